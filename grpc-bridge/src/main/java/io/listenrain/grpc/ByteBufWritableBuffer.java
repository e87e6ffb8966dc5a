package io.listenrain.grpc;

import io.grpc.internal.WritableBuffer;
import io.grpc.internal.WritableBufferAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * A gRPC {@link WritableBuffer} over a pooled {@link ByteBuf} of fixed capacity. The framer fills it, then hands it
 * to the stream sink, which takes the {@link #buf() ByteBuf} over; {@link #release()} is for buffers never handed over.
 */
final class ByteBufWritableBuffer implements WritableBuffer {
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
