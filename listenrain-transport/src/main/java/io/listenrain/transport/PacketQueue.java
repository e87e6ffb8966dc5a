package io.listenrain.transport;

import io.netty.buffer.ByteBuf;

/**
 * A connection's outbound queue of encoded messages (packet payloads, not yet framed). Many threads offer; only the
 * connection's I/O thread polls. Bounded: a full queue refuses, so senders feel back-pressure instead of growing the
 * heap.
 */
public interface PacketQueue {

  /**
   * Appends {@code payload} if there is room. Any thread. On {@code true} the queue owns the buffer; on
   * {@code false} the caller still does.
   */
  boolean offer(ByteBuf payload);

  /** Removes the oldest payload, or returns {@code null} when empty. Only the connection's I/O thread calls this. */
  ByteBuf poll();

  /** An estimate of the number of queued payloads. */
  int size();

  /** The most payloads the queue holds. */
  int capacity();
}
