package io.listenrain.channel;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter, as gRPC reconnects: the delay before retry {@code n} (0-based) is
 * {@code min(maxDelay, initialDelay * multiplier^n)}, then spread uniformly by {@code ±jitter} of itself. Defaults:
 * 1 s initial, ×1.6, ±20 %, capped at 120 s. Immutable and thread-safe; the random source is a parameter so that
 * tests can pin it.
 */
public final class BackoffPolicy {
  public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofSeconds(1);
  public static final double DEFAULT_MULTIPLIER = 1.6;
  public static final double DEFAULT_JITTER = 0.2;
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(120);

  private static final DoubleSupplier THREAD_LOCAL_RANDOM = () -> ThreadLocalRandom.current().nextDouble();
  private static final BackoffPolicy DEFAULTS = new BackoffPolicy(DEFAULT_INITIAL_DELAY.toNanos(), DEFAULT_MULTIPLIER,
      DEFAULT_JITTER, DEFAULT_MAX_DELAY.toNanos(), THREAD_LOCAL_RANDOM);

  private final long initialNanos;
  private final double multiplier;
  private final double jitter;
  private final long maxNanos;
  private final DoubleSupplier random;

  private BackoffPolicy(long initialNanos, double multiplier, double jitter, long maxNanos, DoubleSupplier random) {
    if (initialNanos <= 0 || maxNanos < initialNanos) {
      throw new IllegalArgumentException("need 0 < initialDelay <= maxDelay");
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier must be >= 1: " + multiplier);
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("jitter must be within [0, 1]: " + jitter);
    }
    this.initialNanos = initialNanos;
    this.multiplier = multiplier;
    this.jitter = jitter;
    this.maxNanos = maxNanos;
    this.random = random;
  }

  /** 1 s initial delay, multiplier 1.6, jitter ±20 %, at most 120 s. */
  public static BackoffPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * The delay before retry number {@code retry} (0 for the first retry).
   *
   * @throws IllegalArgumentException if {@code retry} is negative
   */
  public Duration delay(int retry) {
    if (retry < 0) {
      throw new IllegalArgumentException("retry must be >= 0: " + retry);
    }
    double base = Math.min((double) maxNanos, initialNanos * Math.pow(multiplier, retry));
    double u = random.getAsDouble(); // uniform in [0, 1)
    double spread = base * jitter * (2 * u - 1);
    return Duration.ofNanos(Math.max(1L, Math.round(base + spread)));
  }

  public Duration initialDelay() {
    return Duration.ofNanos(initialNanos);
  }

  public double multiplier() {
    return multiplier;
  }

  public double jitter() {
    return jitter;
  }

  public Duration maxDelay() {
    return Duration.ofNanos(maxNanos);
  }

  /** The first delay; must be positive and at most {@link #maxDelay()}. */
  public BackoffPolicy withInitialDelay(Duration initial) {
    return new BackoffPolicy(initial.toNanos(), multiplier, jitter, maxNanos, random);
  }

  /** The growth factor between retries; at least 1. */
  public BackoffPolicy withMultiplier(double multiplier) {
    return new BackoffPolicy(initialNanos, multiplier, jitter, maxNanos, random);
  }

  /** The relative spread, within [0, 1]: 0.2 means each delay is drawn from [0.8 d, 1.2 d]. */
  public BackoffPolicy withJitter(double jitter) {
    return new BackoffPolicy(initialNanos, multiplier, jitter, maxNanos, random);
  }

  /** The cap applied before jitter; at least the initial delay. */
  public BackoffPolicy withMaxDelay(Duration max) {
    return new BackoffPolicy(initialNanos, multiplier, jitter, max.toNanos(), random);
  }

  /** The source of uniform numbers in [0, 1) used for jitter; thread-safe. Tests pin it. */
  public BackoffPolicy withRandom(DoubleSupplier random) {
    return new BackoffPolicy(initialNanos, multiplier, jitter, maxNanos, Objects.requireNonNull(random, "random"));
  }

  @Override
  public String toString() {
    return "BackoffPolicy(initial=" + initialDelay() + ", x" + multiplier + ", jitter=" + jitter + ", max="
        + maxDelay() + ")";
  }
}
