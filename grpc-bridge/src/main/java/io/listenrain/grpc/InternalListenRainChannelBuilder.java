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

  /** Whether census records started RPCs (interop tests turn it off with their own census hooks). */
  public static void setStatsRecordStartedRpcs(ListenRainChannelBuilder builder, boolean enabled) {
    builder.delegateForInternal().setStatsRecordStartedRpcs(enabled);
  }

  /** Whether census records finished RPCs. */
  public static void setStatsRecordFinishedRpcs(ListenRainChannelBuilder builder, boolean enabled) {
    builder.delegateForInternal().setStatsRecordFinishedRpcs(enabled);
  }

  /** Turns default census tracing on or off. */
  public static void setTracingEnabled(ListenRainChannelBuilder builder, boolean enabled) {
    builder.delegateForInternal().setTracingEnabled(enabled);
  }
}
