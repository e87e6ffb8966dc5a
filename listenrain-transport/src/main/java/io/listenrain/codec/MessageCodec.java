package io.listenrain.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Turns messages into packet payloads and back: the EncodeMessage/DecodeMessage pair of the original framework.
 * Every message carries a msgID, which correlates a request with its response; {@link #msgId} yields it.
 *
 * <p>Implementations are thread-safe. Codecs for protobuf and raw bytes ship with ListenRain; JSON or any user
 * format plugs in the same way.
 *
 * <h2>Buffer ownership</h2>
 * {@link #encode} returns a buffer the caller owns. {@link #decode} takes ownership of {@code packet}: it releases it,
 * or keeps it inside the message it returns (a zero-copy bytes message does that; such messages are then
 * {@link io.netty.util.ReferenceCounted} and the receiver releases them).
 *
 * @param <M> the message type
 */
public interface MessageCodec<M> {

  /**
   * Serializes {@code message} into a newly allocated payload.
   *
   * @throws CodecException if the message cannot be encoded
   */
  ByteBuf encode(M message, ByteBufAllocator alloc);

  /**
   * Parses one packet payload into a message. Takes ownership of {@code packet}.
   *
   * @throws CodecException if the payload is not a valid message
   */
  M decode(ByteBuf packet);

  /** The msgID of {@code message}: responses carry their request's msgID. */
  long msgId(M message);
}
