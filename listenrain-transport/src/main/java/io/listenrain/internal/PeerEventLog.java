package io.listenrain.internal;

import io.listenrain.timer.Ticker;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * A log for events that a remote peer can cause (a malformed frame, a disconnect before the answer, a budget
 * exceeded): a hostile peer must not be able to fill the disk through it. Each kind of event writes at most one line
 * per interval (default one second); the next line written for that kind says how many were suppressed since. A line
 * carries the cause's type and message only; the stack trace goes to a separate record at {@link Level#FINE}, so it
 * is there when a developer turns it on and absent otherwise.
 *
 * <p>Not part of the API. Thread-safe: each kind keeps its count under its own lock, held only to count.
 */
public final class PeerEventLog {
  /** The default interval between two lines of the same kind. */
  public static final long DEFAULT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Kinds are bounded by the code that names them, but a caller passing peer data as a kind must not grow this. */
  private static final int MAX_KINDS = 256;

  private final Logger logger;
  private final Ticker ticker;
  private final long intervalNanos;
  private final ConcurrentHashMap<String, Kind> kinds = new ConcurrentHashMap<>();

  /** A log writing to {@code logger} at most once a second per kind, on the system clock. */
  public PeerEventLog(Logger logger) {
    this(logger, Ticker.system(), DEFAULT_INTERVAL_NANOS);
  }

  public PeerEventLog(Logger logger, Ticker ticker, long intervalNanos) {
    this.logger = Objects.requireNonNull(logger, "logger");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    if (intervalNanos < 0) {
      throw new IllegalArgumentException("intervalNanos < 0: " + intervalNanos);
    }
    this.intervalNanos = intervalNanos;
  }

  /** Logs {@code message} for an event of {@code kind} unless a line of that kind went out within the interval. */
  public void log(Level level, String kind, String message) {
    log(level, kind, message, null);
  }

  /**
   * Logs {@code message} for an event of {@code kind} unless a line of that kind went out within the interval;
   * {@code cause}, if any, adds its type and message to the line and its stack trace at FINE.
   *
   * @return whether a line was written (false: it was counted as suppressed, or the level is off)
   */
  public boolean log(Level level, String kind, String message, Throwable cause) {
    if (!logger.isLoggable(level)) {
      return false;
    }
    Kind k = kinds.get(kind);
    if (k == null) {
      if (kinds.size() >= MAX_KINDS) {
        k = kinds.computeIfAbsent("(other)", x -> new Kind());
      } else {
        k = kinds.computeIfAbsent(kind, x -> new Kind());
      }
    }
    long suppressed = k.tryWrite(ticker.nanoTime(), intervalNanos);
    if (suppressed < 0) {
      return false;
    }
    StringBuilder line = new StringBuilder(message.length() + 64).append(message);
    if (cause != null) {
      line.append(": ").append(cause.getClass().getSimpleName());
      if (cause.getMessage() != null) {
        line.append(": ").append(cause.getMessage());
      }
    }
    if (suppressed > 0) {
      line.append(" (").append(suppressed).append(" more ").append(kind).append(" events since the last line)");
    }
    logger.log(level, line.toString());
    if (cause != null && logger.isLoggable(Level.FINE)) {
      LogRecord trace = new LogRecord(Level.FINE, "stack trace of the " + kind + " event above");
      trace.setThrown(cause);
      trace.setLoggerName(logger.getName());
      logger.log(trace);
    }
    return true;
  }

  /** The lines of one kind: when the last went out, and how many were held back since. */
  private static final class Kind {
    private long lastWrite;
    private boolean written;
    private long suppressed;

    /** The number suppressed since the last line if a line may be written now, else -1 (and counts this one). */
    synchronized long tryWrite(long now, long interval) {
      if (written && now - lastWrite < interval) {
        suppressed++;
        return -1;
      }
      long s = suppressed;
      suppressed = 0;
      lastWrite = now;
      written = true;
      return s;
    }
  }
}
