package io.listenrain.server;

import io.listenrain.errors.ReadTimeoutException;
import io.listenrain.transport.Connection;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Enforces a native server's {@link ServerTimeouts} on one accepted connection. Checked every
 * {@link ServerTimeouts#checkPeriodNanos} on the connection's I/O thread (and on demand by tests, with a fake
 * ticker), in this order:
 * <ol>
 *   <li><b>handshake</b>: no complete first packet (preface included) within the handshake timeout of the accept:
 *       abort with {@link ReadTimeoutException};</li>
 *   <li><b>stall</b>: part of a packet is buffered and no byte arrived for the stall timeout, while the server was
 *       reading (time with reads paused does not count): abort with {@link ReadTimeoutException};</li>
 *   <li><b>idle</b>: after the first packet, no request in flight, nothing partial buffered, and no packet received
 *       nor request answered for the idle timeout: graceful close.</li>
 * </ol>
 *
 * <p>Threading: {@link #readComplete}, {@link #packetReceived}, {@link #check} and {@link #stop} run on the I/O
 * thread and own the fields they touch; {@link #answered} runs on the callback executor and only writes the volatile
 * {@link #lastActivityNanos}.
 */
final class ConnectionWatchdog {
  private static final System.Logger LOG = System.getLogger(ConnectionWatchdog.class.getName());

  private final ServerTimeouts timeouts;
  private final IntSupplier outstanding;
  private final long acceptedNanos;
  // I/O-thread state.
  private Connection connection;
  private ScheduledFuture<?> task;
  private boolean stopped;
  private boolean sawPacket;
  private long lastReadNanos;
  private boolean readsPaused;
  /** Last packet received or last request answered; written by both threads. */
  private volatile long lastActivityNanos;

  ConnectionWatchdog(ServerTimeouts timeouts, IntSupplier outstanding) {
    this.timeouts = timeouts;
    this.outstanding = outstanding;
    this.acceptedNanos = timeouts.ticker.nanoTime();
    this.lastReadNanos = acceptedNanos;
    this.lastActivityNanos = acceptedNanos;
  }

  /** Starts periodic checks of {@code c}; hops to its I/O thread. No-op when every timeout is off. */
  void start(Connection c) {
    if (!timeouts.anyOn()) {
      return;
    }
    c.executor().execute(() -> {
      connection = c;
      if (!stopped) {
        long p = timeouts.checkPeriodNanos;
        task = c.executor().scheduleAtFixedRate(this::check, p, p, TimeUnit.NANOSECONDS);
      }
    });
  }

  /** Bytes arrived (I/O thread). */
  void readComplete() {
    lastReadNanos = timeouts.ticker.nanoTime();
  }

  /** A whole packet arrived (I/O thread). */
  void packetReceived() {
    sawPacket = true;
    long now = timeouts.ticker.nanoTime();
    lastReadNanos = now;
    lastActivityNanos = now;
  }

  /** A request was answered or abandoned (any thread). */
  void answered() {
    lastActivityNanos = timeouts.ticker.nanoTime();
  }

  /**
   * The server stopped ({@code true}) or resumed reading (I/O thread): a packet cannot stall while the server does not
   * read, and its stall window starts again on resume.
   */
  void readsPaused(boolean paused) {
    readsPaused = paused;
    if (!paused) {
      lastReadNanos = timeouts.ticker.nanoTime();
    }
  }

  /** The connection closed: no more checks (I/O thread). */
  void stop() {
    stopped = true;
    if (task != null) {
      task.cancel(false);
    }
  }

  /** One check against the ticker's current time (I/O thread). */
  void check() {
    Connection c = connection;
    if (stopped || c == null || !c.isOpen()) {
      return;
    }
    long now = timeouts.ticker.nanoTime();
    if (!sawPacket && timeouts.handshakeNanos > 0 && now - acceptedNanos >= timeouts.handshakeNanos) {
      abort(c, "no complete first packet within the handshake timeout of " + Duration.ofNanos(timeouts.handshakeNanos));
      return;
    }
    boolean partial = c.hasPartialInbound();
    if (partial && !readsPaused && timeouts.stallNanos > 0 && now - lastReadNanos >= timeouts.stallNanos) {
      abort(c, "a packet stalled half-way: no byte for " + Duration.ofNanos(timeouts.stallNanos));
      return;
    }
    if (sawPacket && !partial && timeouts.idleNanos > 0 && outstanding.getAsInt() == 0
        && now - lastActivityNanos >= timeouts.idleNanos) {
      LOG.log(Level.DEBUG, () -> c + " idle for " + Duration.ofNanos(timeouts.idleNanos) + ": closing");
      stop();
      c.close();
    }
  }

  private void abort(Connection c, String why) {
    LOG.log(Level.DEBUG, () -> c + ": " + why);
    stop();
    c.abort(new ReadTimeoutException(why + " (" + c.remoteAddress() + ")"));
  }
}
