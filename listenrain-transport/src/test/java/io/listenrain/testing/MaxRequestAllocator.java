package io.listenrain.testing;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pooled allocator that records the largest initial capacity ever requested from it, to show that a hostile length
 * never turns into a large allocation. Buffers come from {@link PooledByteBufAllocator#DEFAULT}. (Growth inside an
 * existing buffer, as in {@code ensureWritable}, is not an allocator request; Netty's cumulators ask the allocator
 * when they need a bigger cumulation, and growth in place only ever holds bytes actually received.)
 */
public final class MaxRequestAllocator extends AbstractByteBufAllocator {
  private final ByteBufAllocator delegate = PooledByteBufAllocator.DEFAULT;
  private final AtomicInteger maxRequested = new AtomicInteger();

  public MaxRequestAllocator() {
    super(true);
  }

  /** The largest initial capacity requested so far. */
  public int maxRequested() {
    return maxRequested.get();
  }

  private void record(int initialCapacity) {
    maxRequested.accumulateAndGet(initialCapacity, Math::max);
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    record(initialCapacity);
    return delegate.heapBuffer(initialCapacity, maxCapacity);
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    record(initialCapacity);
    return delegate.directBuffer(initialCapacity, maxCapacity);
  }

  @Override
  public boolean isDirectBufferPooled() {
    return true;
  }
}
