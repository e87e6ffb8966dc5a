package io.listenrain.transport;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;
import java.util.Queue;

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

  private static final class Bounded implements PacketQueue {
    private final Queue<ByteBuf> queue;
    private final int capacity;

    Bounded(int capacity) {
      this.capacity = capacity;
      // Large queues: Netty's chunked MPSC queue, which grows in chunks and refuses offers beyond the capacity.
      // Small ones: a fixed array (Netty rounds its size up to a power of two; we still refuse beyond capacity).
      this.queue = capacity >= 2048
          ? PlatformDependent.newMpscQueue(1024, capacity)
          : PlatformDependent.newFixedMpscQueue(capacity);
    }

    @Override
    public boolean offer(ByteBuf payload) {
      if (capacity < 2048 && queue.size() >= capacity) {
        return false;
      }
      return queue.offer(payload);
    }

    @Override
    public ByteBuf poll() {
      return queue.poll();
    }

    @Override
    public int size() {
      return queue.size();
    }

    @Override
    public int capacity() {
      return capacity;
    }
  }
}
