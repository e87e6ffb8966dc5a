package io.listenrain.channel;

/**
 * The in-band end-of-stream marker a graceful close sends through an in-process pipe; see {@link NettyChannel}. It is
 * a plain object, never a buffer, so it cannot be confused with data.
 */
final class PipeEndOfStream {
  static final PipeEndOfStream INSTANCE = new PipeEndOfStream();

  private PipeEndOfStream() {}

  @Override
  public String toString() {
    return "PipeEndOfStream";
  }
}
