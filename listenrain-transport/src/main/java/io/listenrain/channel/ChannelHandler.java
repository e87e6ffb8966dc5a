package io.listenrain.channel;

import io.netty.buffer.ByteBuf;

/**
 * Receives what happens on a {@link Channel}. Every method is called on the channel's executor, one call at a time,
 * in order; {@link #channelClosed(Throwable)} comes exactly once and last.
 *
 * <p>Handlers run on the I/O thread: they must not block, and they should hand user code to an executor. A handler
 * method that throws closes the channel with that exception as the cause. {@link Channel#close()} and
 * {@link Channel#abort} called from a handler never call back into it re-entrantly ({@code channelClosed} comes later,
 * as a separate task); {@link Channel#write} and {@link Channel#flush()} may call {@link #writabilityChanged} before
 * they return, as Netty does when a watermark is crossed. After {@link #channelClosed(Throwable)} no method is called again, and bytes that
 * arrive later are released by the channel.
 */
public interface ChannelHandler {

  /**
   * Bytes arrived. The handler owns {@code data} and must release it (or pass ownership on). Chunk boundaries carry
   * no meaning: a stream may be split anywhere.
   */
  void channelRead(ByteBuf data);

  /**
   * The current batch of reads is done. Handlers that answer reads should flush here, so that many responses share
   * one system call. The default does nothing.
   */
  default void channelReadComplete() {}

  /** {@link Channel#isWritable()} changed. The default does nothing. */
  default void writabilityChanged(boolean writable) {}

  /**
   * The channel closed. {@code cause} is {@code null} for an orderly close by either side (end of stream or
   * {@link Channel#close()}), else the error or the cause passed to {@link Channel#abort(Throwable)}.
   */
  void channelClosed(Throwable cause);
}
