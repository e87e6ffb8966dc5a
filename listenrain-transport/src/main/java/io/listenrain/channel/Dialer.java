package io.listenrain.channel;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A {@link ChannelGenerator} that dials one of several endpoints, with failover, retries and backoff.
 *
 * <h2>Endpoints: active and standby</h2>
 * Endpoints are declared in preference order, each either <em>active</em> ({@link Builder#endpoint}) or
 * <em>standby</em> ({@link Builder#standbyEndpoint}). One {@link #connect()} runs <em>attempts</em>; an attempt is a
 * pass over every endpoint, one dial at a time, in this order:
 * <ol>
 *   <li>healthy active endpoints, in declaration order;</li>
 *   <li>healthy standby endpoints, in declaration order;</li>
 *   <li>endpoints that failed recently ("penalized"), active before standby.</li>
 * </ol>
 * An endpoint whose dial fails with a retryable error is penalized for a while (its own backoff, growing with its
 * consecutive failures, from the same {@link BackoffPolicy}); it is skipped to the back of the order, and retried
 * first again once its penalty has run out. A successful dial clears the penalty. So a client fails over to a standby
 * while its active endpoint is down, and returns to the active endpoint on its next connect after the penalty.
 *
 * <h2>Errors, retries and backoff</h2>
 * The first successful dial completes the future with an open, unstarted channel. A non-retryable error (see
 * {@link ConnectException#isRetryable()}, for example an unresolvable host) fails the future at once. When every
 * endpoint of an attempt fails, the dialer waits {@code backoff.delay(n)} before attempt {@code n + 1}; after
 * {@link Builder#maxAttempts} attempts the future fails with a retryable {@link ConnectException} carrying the last
 * error. Each dial is bounded by {@link ChannelOptions#connectTimeout()} (a TCP connect that times out is a
 * retryable failure; Unix socket and in-process dials succeed or fail at once); a custom
 * {@link Builder#dialFunction dial function} must bound its own dials.
 *
 * <h2>Closing</h2>
 * {@link #close()} fails every pending {@code connect()} with {@link ChannelClosedException} and cancels scheduled
 * retries; a dial that was in flight and succeeds afterwards is closed, never handed out. Later {@code connect()}
 * calls fail at once. Channels already handed out stay open.
 *
 * <p>Thread-safe. Time comes from the injected {@link Scheduler} and ticker, so tests need not wait real seconds.
 */
public final class Dialer implements ChannelGenerator {
  /** Default number of attempts (passes over all endpoints) per {@link #connect()}. */
  public static final int DEFAULT_MAX_ATTEMPTS = 6;

  /** Runs a task after a delay; the dialer's only source of waiting. */
  @FunctionalInterface
  public interface Scheduler {
    /** Runs {@code task} once, on any thread, after {@code delay}. The returned future cancels it. */
    Future<?> schedule(Runnable task, Duration delay);
  }

  private final List<DialEndpoint> endpoints;
  private final Function<SocketAddress, CompletableFuture<Channel>> dial;
  private final BackoffPolicy backoff;
  private final int maxAttempts;
  private final Scheduler scheduler;
  private final LongSupplier ticker;
  private final Set<DialAttempt> pending = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private Dialer(Builder b) {
    this.endpoints = List.copyOf(b.endpoints);
    ChannelOptions options = b.options;
    this.dial = b.dial != null ? b.dial : address -> Channels.dial(address, options);
    this.backoff = b.backoff;
    this.maxAttempts = b.maxAttempts;
    this.scheduler = b.scheduler != null ? b.scheduler : DialerScheduler.shared();
    this.ticker = b.ticker;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public CompletableFuture<Channel> connect() {
    CompletableFuture<Channel> result = new CompletableFuture<>();
    if (closed) {
      result.completeExceptionally(new ChannelClosedException("dialer closed"));
      return result;
    }
    DialAttempt attempt = new DialAttempt(this, result);
    pending.add(attempt);
    result.whenComplete((ch, err) -> pending.remove(attempt));
    if (closed) { // close() may have run between the check above and the add
      attempt.cancel(new ChannelClosedException("dialer closed"));
      return result;
    }
    attempt.startRound();
    return result;
  }

  @Override
  public void close() {
    closed = true;
    for (DialAttempt a : pending) {
      a.cancel(new ChannelClosedException("dialer closed"));
    }
  }

  /** The endpoints, as declared. */
  public List<SocketAddress> endpoints() {
    List<SocketAddress> list = new ArrayList<>();
    for (DialEndpoint e : endpoints) {
      list.add(e.address);
    }
    return Collections.unmodifiableList(list);
  }

  // ---- used by DialAttempt ----

  boolean isClosed() {
    return closed;
  }

  int maxAttempts() {
    return maxAttempts;
  }

  Duration roundDelay(int failedRounds) {
    return backoff.delay(failedRounds - 1);
  }

  Scheduler scheduler() {
    return scheduler;
  }

  CompletableFuture<Channel> dial(SocketAddress address) {
    try {
      return dial.apply(address);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(new ConnectException("cannot dial " + address + ": " + e, e, false));
    }
  }

  /** The order of one attempt: healthy before penalized, active before standby, then declaration order. */
  List<DialEndpoint> order() {
    long now = ticker.getAsLong();
    List<DialEndpoint> order = new ArrayList<>(endpoints);
    order.sort(Comparator.comparing((DialEndpoint e) -> e.penalized(now))
        .thenComparing(e -> e.standby)
        .thenComparingInt(e -> e.index));
    return order;
  }

  void failed(DialEndpoint e) {
    e.failed(ticker.getAsLong(), backoff);
  }

  @Override
  public String toString() {
    return "Dialer" + endpoints;
  }

  /** Configures a {@link Dialer}. At least one endpoint is required. */
  public static final class Builder {
    private final List<DialEndpoint> endpoints = new ArrayList<>();
    private ChannelOptions options = ChannelOptions.defaults();
    private BackoffPolicy backoff = BackoffPolicy.defaults();
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Scheduler scheduler;
    private LongSupplier ticker = System::nanoTime;
    private Function<SocketAddress, CompletableFuture<Channel>> dial;

    private Builder() {}

    /** Adds an active endpoint; active endpoints are preferred, in the order added. */
    public Builder endpoint(SocketAddress address) {
      endpoints.add(new DialEndpoint(Objects.requireNonNull(address, "address"), false, endpoints.size()));
      return this;
    }

    /** Adds a standby endpoint, dialed only after the healthy active ones. */
    public Builder standbyEndpoint(SocketAddress address) {
      endpoints.add(new DialEndpoint(Objects.requireNonNull(address, "address"), true, endpoints.size()));
      return this;
    }

    /** Channel options for every dial, including the connect timeout. Default {@link ChannelOptions#defaults()}. */
    public Builder options(ChannelOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /** Delays between attempts and endpoint penalties. Default {@link BackoffPolicy#defaults()}. */
    public Builder backoff(BackoffPolicy backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /** Attempts (passes over all endpoints) per {@code connect()}, at least 1. Default {@value #DEFAULT_MAX_ATTEMPTS}. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Where backoff waits happen. Default: a shared daemon scheduler thread. */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** The clock for endpoint penalties, in nanoseconds. Default {@link System#nanoTime()}. */
    public Builder ticker(LongSupplier ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** Replaces {@link Channels#dial} (for instance to add a handshake or a proxy). The default uses the options. */
    public Builder dialFunction(Function<SocketAddress, CompletableFuture<Channel>> dial) {
      this.dial = Objects.requireNonNull(dial, "dial");
      return this;
    }

    public Dialer build() {
      if (endpoints.isEmpty()) {
        throw new IllegalStateException("a Dialer needs at least one endpoint");
      }
      return new Dialer(this);
    }
  }
}
