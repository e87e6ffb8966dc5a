package io.listenrain.server;

import io.listenrain.config.ProtocolSpec;
import io.listenrain.timer.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A native server's connection deadlines, read once from its {@link ProtocolSpec}: the handshake (first packet)
 * timeout, the partial-packet stall timeout and the idle timeout, each in nanoseconds with 0 meaning off, plus the
 * ticker they are measured with and how often a connection's {@link ConnectionWatchdog} checks them. Immutable.
 *
 * <p>The check period is a tenth of the shortest timeout that is on, kept within [10 ms, 1 s], so a deadline fires
 * at most 10 % (or 1 s) late and a server with thousands of connections runs at most a few thousand cheap checks a
 * second.
 */
final class ServerTimeouts {
  static final long MIN_CHECK_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  static final long MAX_CHECK_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

  final Ticker ticker;
  final long handshakeNanos;
  final long stallNanos;
  final long idleNanos;
  /** 0 when every timeout is off: no watchdog runs. */
  final long checkPeriodNanos;

  ServerTimeouts(Ticker ticker, Duration handshake, Duration stall, Duration idle) {
    this.ticker = ticker;
    this.handshakeNanos = handshake.toNanos();
    this.stallNanos = stall.toNanos();
    this.idleNanos = idle.toNanos();
    long shortest = Long.MAX_VALUE;
    for (long t : new long[] {handshakeNanos, stallNanos, idleNanos}) {
      if (t > 0) {
        shortest = Math.min(shortest, t);
      }
    }
    this.checkPeriodNanos = shortest == Long.MAX_VALUE ? 0
        : Math.max(MIN_CHECK_PERIOD_NANOS, Math.min(MAX_CHECK_PERIOD_NANOS, shortest / 10));
  }

  static ServerTimeouts of(ProtocolSpec<?> spec) {
    return new ServerTimeouts(spec.ticker(), spec.serverHandshakeTimeout(), spec.serverStallTimeout(),
        spec.serverIdleTimeout());
  }

  boolean anyOn() {
    return checkPeriodNanos > 0;
  }
}
