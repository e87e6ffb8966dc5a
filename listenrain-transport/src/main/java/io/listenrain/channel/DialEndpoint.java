package io.listenrain.channel;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.net.SocketAddress;

/** One endpoint of a {@link Dialer} and its health: consecutive failures and when its penalty ends. */
final class DialEndpoint {
  final SocketAddress address;
  final boolean standby;
  final int index;

  @GuardedBy("this")
  private int failures;
  @GuardedBy("this")
  private long penaltyEndsNanos;

  DialEndpoint(SocketAddress address, boolean standby, int index) {
    this.address = address;
    this.standby = standby;
    this.index = index;
  }

  synchronized boolean penalized(long nowNanos) {
    return failures > 0 && nowNanos - penaltyEndsNanos < 0;
  }

  synchronized void failed(long nowNanos, BackoffPolicy backoff) {
    failures = Math.min(failures + 1, 64);
    penaltyEndsNanos = nowNanos + backoff.delay(failures - 1).toNanos();
  }

  synchronized void succeeded() {
    failures = 0;
  }

  synchronized int failures() {
    return failures;
  }

  @Override
  public String toString() {
    return (standby ? "standby:" : "active:") + address;
  }
}
