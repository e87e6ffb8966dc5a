package io.listenrain.grpc;

import io.grpc.ChannelLogger;

/** A channel logger that drops every line: for transports made without a channel (tests, the conformance suite). */
final class NoopChannelLogger extends ChannelLogger {
  static final NoopChannelLogger INSTANCE = new NoopChannelLogger();

  private NoopChannelLogger() {}

  @Override
  public void log(ChannelLogLevel level, String message) {}

  @Override
  public void log(ChannelLogLevel level, String messageFormat, Object... args) {}
}
