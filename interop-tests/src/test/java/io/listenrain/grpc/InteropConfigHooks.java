package io.listenrain.grpc;

import java.time.Duration;

/**
 * Reaches the package-private {@link TransportConfig} of the builders from the interop tests, for values the public
 * knobs clamp (grpc raises keepalive times below 10 s to 10 s). Test code only: it lives in the interop module's test
 * sources, in the bridge's package.
 */
public final class InteropConfigHooks {
  private InteropConfigHooks() {}

  /** Client keepalive with a sub-second interval and timeout, pinging only while calls are open. */
  public static ListenRainChannelBuilder keepAlive(ListenRainChannelBuilder builder, Duration time,
      Duration timeout) {
    builder.config().keepAliveTimeNanos = time.toNanos();
    builder.config().keepAliveTimeoutNanos = timeout.toNanos();
    return builder;
  }
}
