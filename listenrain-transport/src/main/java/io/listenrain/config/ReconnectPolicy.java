package io.listenrain.config;

import io.listenrain.errors.ConnectionClosedException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a client transport waits before calling its channel generator again after a failed
 * {@link io.listenrain.channel.ChannelGenerator#connect()} (a generator may itself retry and fail over inside one
 * connect): exponential, capped, with jitter, and optionally a limit on consecutive failed connects after which the
 * transport gives up (terminates; a pool then evicts it). While waiting, calls fail fast with
 * {@link ConnectionClosedException}. A connection that the peer drops without sending a byte, or that closes for a
 * protocol error ({@link io.listenrain.codec.CodecException}: a server answering garbage), sooner than the next delay,
 * also backs off by this policy (with its own count, which does not make the transport give up), so a server that
 * accepts and closes, or answers what the client cannot read, is not redialed at the call rate. Immutable.
 */
public final class ReconnectPolicy {
  private static final ReconnectPolicy DEFAULT =
      new ReconnectPolicy(Duration.ofSeconds(1), Duration.ofSeconds(120), 1.6, 0.2, Integer.MAX_VALUE);

  private final long initialNanos;
  private final long maxNanos;
  private final double multiplier;
  private final double jitter;
  private final int maxAttempts;

  private ReconnectPolicy(Duration initial, Duration max, double multiplier, double jitter, int maxAttempts) {
    if (initial.isNegative() || max.compareTo(initial) < 0 || multiplier < 1 || jitter < 0 || jitter >= 1
        || maxAttempts < 1) {
      throw new IllegalArgumentException("invalid backoff: initial=" + initial + " max=" + max + " multiplier="
          + multiplier + " jitter=" + jitter + " maxAttempts=" + maxAttempts);
    }
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
    this.multiplier = multiplier;
    this.jitter = jitter;
    this.maxAttempts = maxAttempts;
  }

  /**
   * gRPC's connection backoff: 1 s initial, times 1.6 per failure, capped at 120 s, ±20 % jitter; never gives up on
   * retryable errors.
   */
  public static ReconnectPolicy defaults() {
    return DEFAULT;
  }

  public static ReconnectPolicy of(Duration initial, Duration max, double multiplier, double jitter,
      int maxAttempts) {
    return new ReconnectPolicy(initial, max, multiplier, jitter, maxAttempts);
  }

  /** The delay before attempt {@code failures + 1}, after {@code failures >= 1} consecutive failed attempts. */
  public long delayNanos(int failures) {
    double d = initialNanos;
    for (int i = 1; i < failures && d < maxNanos; i++) {
      d *= multiplier;
    }
    d = Math.min(d, maxNanos);
    if (jitter > 0) {
      d *= 1 + jitter * (ThreadLocalRandom.current().nextDouble() * 2 - 1);
    }
    return (long) d;
  }

  /** How many consecutive failed attempts the transport makes before it terminates. */
  public int maxAttempts() {
    return maxAttempts;
  }

  @Override
  public String toString() {
    return "ReconnectPolicy(initial=" + Duration.ofNanos(initialNanos) + ", max=" + Duration.ofNanos(maxNanos)
        + ", x" + multiplier + ", jitter=" + jitter + ", maxAttempts=" + maxAttempts + ")";
  }
}
