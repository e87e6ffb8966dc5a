package io.listenrain.server;

import io.listenrain.errors.ConnectionClosedException;
import io.listenrain.errors.QueueFullException;
import java.net.SocketAddress;

/**
 * The way back to the client for one request. Thread-safe; may be used later, from any thread. Answers at most once:
 * a second {@link #send} is rejected.
 *
 * @param <M> the message type
 */
public interface ServerResponse<M> {

  /**
   * The msgID of the request, which the reply must carry. For a codec with opaque ids, a number local to the
   * connection; the id itself is {@link #opaqueMsgId()}.
   */
  long msgId();

  /**
   * The request's opaque msgID, exactly as received, for codecs with
   * {@link io.listenrain.codec.MessageCodec.MsgIdKind#OPAQUE} ids; null for long ids.
   */
  default io.listenrain.codec.MsgId opaqueMsgId() {
    return null;
  }

  /**
   * Sends the reply. Takes ownership of {@code reply} in every case (a reference-counted reply is released once
   * encoded, or on rejection).
   *
   * @throws IllegalStateException if this request was already answered
   * @throws IllegalArgumentException if the reply's msgID differs from the request's
   * @throws ConnectionClosedException if the client's connection has closed
   * @throws QueueFullException if the connection's outbound queue is full
   */
  void send(M reply);

  /** Whether {@link #send} has been called (successfully or not). */
  boolean isAnswered();

  /** The client's address, or null if the channel kind has none. */
  SocketAddress remoteAddress();
}
