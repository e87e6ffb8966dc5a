package io.listenrain.grpc;

import io.grpc.Internal;

/** Test and interop hooks on {@link ListenRainChannelBuilder}; not a stable API. */
@Internal
public final class InternalListenRainChannelBuilder {
  private InternalListenRainChannelBuilder() {}

  /** Turns the default census stats on or off, as interop tests need. */
  public static void setStatsEnabled(ListenRainChannelBuilder builder, boolean enabled) {
    builder.setStatsEnabled(enabled);
  }
}
