package io.listenrain.grpc;

import io.grpc.internal.WritableBuffer;
import io.grpc.internal.WritableBufferAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;

/**
 * A gRPC {@link WritableBuffer} over a pooled {@link ByteBuf} of fixed capacity. The framer fills it, then hands it
 * to the stream sink, which takes the {@link #buf() ByteBuf} over; {@link #release()} is for buffers never handed over.
 */
final class ByteBufWritableBuffer implements WritableBuffer {
  /**
   * Client streams frame into unpooled heap buffers that the garbage collector may reclaim. grpc-java's
   * {@code RetriableStream} stops forwarding {@code halfClose} to a stream the server already closed, so a message
   * framed just before that close is never handed to the sink and never released; with pooled buffers that would
   * leak pool memory. Heap buffers cost one copy into the socket's direct buffer instead. Servers always close their
   * framer, so server streams use the channel's pooled allocator.
   */
  static final ByteBufAllocator GC_HEAP = new UnpooledByteBufAllocator(false, true);

  private final ByteBuf buf;

  ByteBufWritableBuffer(ByteBuf buf) {
    this.buf = buf;
  }

  /** The underlying buffer. */
  ByteBuf buf() {
    return buf;
  }

  @Override
  public void write(byte[] src, int srcIndex, int length) {
    buf.writeBytes(src, srcIndex, length);
  }

  @Override
  public void write(byte b) {
    buf.writeByte(b);
  }

  @Override
  public int writableBytes() {
    return buf.maxWritableBytes();
  }

  @Override
  public int readableBytes() {
    return buf.readableBytes();
  }

  @Override
  public void release() {
    buf.release();
  }

  /** Allocates buffers between 4 KiB and {@code maxCapacity} (the max DATA frame), as the hint asks. */
  static WritableBufferAllocator allocator(ByteBufAllocator alloc, int maxCapacity) {
    return capacityHint -> {
      int cap = Math.min(maxCapacity, Math.max(4096, capacityHint));
      return new ByteBufWritableBuffer(alloc.buffer(cap, cap));
    };
  }
}
