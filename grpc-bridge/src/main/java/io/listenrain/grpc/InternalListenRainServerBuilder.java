package io.listenrain.grpc;

import io.grpc.Internal;

/** Test and interop hooks on {@link ListenRainServerBuilder}; not a stable API. */
@Internal
public final class InternalListenRainServerBuilder {
  private InternalListenRainServerBuilder() {}

  /** Turns the default census stats on or off, as interop tests need. */
  public static void setStatsEnabled(ListenRainServerBuilder builder, boolean enabled) {
    builder.setStatsEnabled(enabled);
  }
}
