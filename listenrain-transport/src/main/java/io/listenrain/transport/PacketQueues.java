package io.listenrain.transport;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;

/** Built-in {@link PacketQueue}s. */
public final class PacketQueues {
  /** Default capacity of a connection's outbound queue, in packets. */
  public static final int DEFAULT_CAPACITY = 64 * 1024;

  private PacketQueues() {}

  /** A lock-free bounded multi-producer, single-consumer queue holding at most {@code capacity} packets. */
  public static PacketQueue bounded(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    return new Bounded(capacity);
  }

  /**
   * Netty's unbounded chunked MPSC queue, bounded exactly by a count that producers reserve before they offer (Netty's
   * own bounded queues round the capacity up to a power of two).
   */
  private static final class Bounded implements PacketQueue {
    private final Queue<ByteBuf> queue = PlatformDependent.newMpscQueue();
    private final AtomicInteger count = new AtomicInteger();
    private final int capacity;

    Bounded(int capacity) {
      this.capacity = capacity;
    }

    @Override
    public boolean offer(ByteBuf payload) {
      if (count.incrementAndGet() > capacity) {
        count.decrementAndGet();
        return false;
      }
      queue.offer(payload);
      return true;
    }

    @Override
    public ByteBuf poll() {
      ByteBuf b = queue.poll();
      if (b != null) {
        count.decrementAndGet();
      }
      return b;
    }

    @Override
    public int size() {
      return count.get();
    }

    @Override
    public int capacity() {
      return capacity;
    }

    @Override
    public String toString() {
      return "PacketQueue(" + count.get() + "/" + capacity + ")";
    }
  }
}
