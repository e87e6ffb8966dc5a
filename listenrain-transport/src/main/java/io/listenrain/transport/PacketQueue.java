package io.listenrain.transport;

import io.netty.buffer.ByteBuf;

/**
 * A connection's outbound queue of encoded messages (packet payloads, not yet framed). Bounded: a full queue refuses,
 * so senders feel back-pressure instead of growing the heap.
 *
 * <h2>Threads</h2>
 * {@link #offer} may be called from any number of threads at once. {@link #poll} is called by one consumer at a time:
 * the owning {@link Connection}'s I/O thread. {@link #size} may be called from any thread and may be stale.
 *
 * <h2>Buffer ownership</h2>
 * A successful {@code offer} hands the buffer to the queue; {@code poll} hands it to the caller. The queue never
 * releases a buffer itself: when its connection closes, the connection polls and releases whatever is left.
 *
 * <h2>Capacity</h2>
 * A queue never holds more than {@link #capacity()} payloads; an {@code offer} beyond that returns {@code false}.
 * Implementations count payloads, not bytes: combine with the channel's watermarks for a byte bound on the wire.
 */
public interface PacketQueue {

  /**
   * Appends {@code payload} if there is room. Any thread. On {@code true} the queue owns the buffer; on
   * {@code false} the caller still does.
   */
  boolean offer(ByteBuf payload);

  /** Removes the oldest payload, or returns {@code null} when empty. Only the connection's I/O thread calls this. */
  ByteBuf poll();

  /** The number of queued payloads; exact when no offer or poll is in progress. */
  int size();

  /** The most payloads the queue holds. */
  int capacity();
}
