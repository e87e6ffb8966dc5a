package io.listenrain.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Turns messages into packet payloads and back: the EncodeMessage/DecodeMessage pair of the original framework.
 * Every message carries a msgID, which correlates a request with its response.
 *
 * <p>Implementations are thread-safe. Codecs for protobuf and raw bytes ship with ListenRain; JSON or any user
 * format plugs in the same way.
 *
 * <h2>msgIDs: two kinds, one declared per codec</h2>
 * The original framework's msgID is any string, compared exactly and echoed as received. A codec declares which kind
 * of id its messages carry with {@link #msgIdKind()}:
 * <ul>
 *   <li>{@link MsgIdKind#LONG} (the default, so codecs written before opaque ids keep working unchanged): the id is a
 *       {@code long} from {@link #msgId}. The transport keys its calls in a striped primitive map (no boxing, no
 *       allocation per call): the fast path. The wire form is the codec's (8 big-endian bytes for the shipped
 *       codecs), so the id a server echoes is byte for byte the id it received.</li>
 *   <li>{@link MsgIdKind#OPAQUE}: the id is a {@link MsgId}, any bytes (a 36-byte UUID, a zero-padded decimal, a
 *       blank field), from {@link #opaqueMsgId}. The transport keys its calls by those bytes, compared exactly, and
 *       never parses or re-renders them: a server that replies with the request's message echoes the id byte for
 *       byte. The caller chooses the id, as in the original. Costs a hash map lookup on the id's bytes per call.</li>
 * </ul>
 * A codec implements the accessor of its kind; the transport never calls the other. With opaque ids, the
 * {@code long msgId} that state machines, routers and exceptions see is a number local to the transport or
 * connection (unique among the calls in flight there); the id itself is in the message and in
 * {@code ServerResponse.opaqueMsgId()}.
 *
 * <h2>An id that cannot be read</h2>
 * {@link #decode} (or the id accessor) throws {@link MsgIdException} when the packet's id cannot be read. The packet
 * was delimited by its length prefix, so the transport drops only that packet, counts it in its stats, logs it once
 * per connection with the peer's address, and keeps the connection. Any other {@link CodecException} closes the
 * connection: the stream is no longer trusted.
 *
 * <h2>Buffer ownership</h2>
 * {@link #encode} returns a buffer the caller owns. {@link #decode} takes ownership of {@code packet}: it releases it,
 * or keeps it inside the message it returns (a zero-copy bytes message does that; such messages are then
 * {@link io.netty.util.ReferenceCounted} and the receiver releases them). Decode releases the packet when it throws.
 *
 * @param <M> the message type
 */
public interface MessageCodec<M> {

  /** What a codec's msgIDs are; see the class comment. */
  enum MsgIdKind {
    /** A {@code long}, from {@link MessageCodec#msgId}: the fast path. */
    LONG,
    /** Opaque bytes, from {@link MessageCodec#opaqueMsgId}: the original framework's string ids. */
    OPAQUE
  }

  /**
   * Serializes {@code message} into a newly allocated payload.
   *
   * @throws CodecException if the message cannot be encoded
   */
  ByteBuf encode(M message, ByteBufAllocator alloc);

  /**
   * Parses one packet payload into a message. Takes ownership of {@code packet}.
   *
   * @throws MsgIdException if the packet's msgID cannot be read (the packet alone is dropped)
   * @throws CodecException if the payload is not a valid message (the connection closes)
   */
  M decode(ByteBuf packet);

  /** The kind of msgID this codec's messages carry; {@link MsgIdKind#LONG} unless overridden. Constant per codec. */
  default MsgIdKind msgIdKind() {
    return MsgIdKind.LONG;
  }

  /**
   * The msgID of {@code message} for a {@link MsgIdKind#LONG} codec: responses carry their request's msgID. Called only
   * when {@link #msgIdKind()} is LONG; the default throws {@link UnsupportedOperationException}.
   */
  default long msgId(M message) {
    throw new UnsupportedOperationException(this + " has " + msgIdKind() + " msgIds");
  }

  /**
   * The msgID of {@code message} for a {@link MsgIdKind#OPAQUE} codec, exactly as it is (or will be) on the wire.
   * Called only when {@link #msgIdKind()} is OPAQUE; the default throws {@link UnsupportedOperationException}.
   *
   * @throws MsgIdException if the message's id cannot be read
   */
  default MsgId opaqueMsgId(M message) {
    throw new UnsupportedOperationException(this + " has " + msgIdKind() + " msgIds");
  }
}
