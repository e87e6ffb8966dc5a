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

  /** Whether census records started RPCs (interop tests turn it off with their own census hooks). */
  public static void setStatsRecordStartedRpcs(ListenRainServerBuilder builder, boolean enabled) {
    builder.delegateForInternal().setStatsRecordStartedRpcs(enabled);
  }

  /** Whether census records finished RPCs. */
  public static void setStatsRecordFinishedRpcs(ListenRainServerBuilder builder, boolean enabled) {
    builder.delegateForInternal().setStatsRecordFinishedRpcs(enabled);
  }

  /** Turns default census tracing on or off. */
  public static void setTracingEnabled(ListenRainServerBuilder builder, boolean enabled) {
    builder.delegateForInternal().setTracingEnabled(enabled);
  }
}
