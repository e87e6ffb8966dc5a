package io.listenrain.timer;

/**
 * A source of monotonic time in nanoseconds, injected wherever timeouts are computed so that tests can use a fake
 * clock instead of sleeping. Readings only make sense relative to other readings of the same ticker.
 *
 * <p>Implementations are thread-safe and must never go backwards.
 */
@FunctionalInterface
public interface Ticker {

  /** The current reading, in nanoseconds from an arbitrary origin. */
  long nanoTime();

  /** The system's monotonic clock, {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
