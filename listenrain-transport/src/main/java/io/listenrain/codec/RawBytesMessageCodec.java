package io.listenrain.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * Raw bytes with a msgID, zero-copy both ways.
 *
 * <pre>
 * +-----------------------------------+---------------------------+
 * | msgId (int64, big-endian, 8 bytes) | payload (rest of packet)  |
 * +-----------------------------------+---------------------------+
 * </pre>
 *
 * Encoding puts an 8-byte header in front of a retained slice of the payload (no copy); decoding returns a
 * {@link BytesMessage} whose payload is a slice of the packet (no copy). A packet shorter than 8 bytes has no
 * readable id: {@link MsgIdException}. The id is the 8 bytes as they are, so an echo returns them unchanged.
 */
public final class RawBytesMessageCodec implements MessageCodec<BytesMessage> {
  /** Size of the msgID header. */
  public static final int HEADER_LENGTH = 8;
  /** Offset of the msgID in the packet. */
  public static final int MSG_ID_OFFSET = 0;

  private static final RawBytesMessageCodec INSTANCE = new RawBytesMessageCodec();

  private RawBytesMessageCodec() {}

  /** The codec (stateless, shared). */
  public static RawBytesMessageCodec instance() {
    return INSTANCE;
  }

  /** Does not consume {@code message}: the payload is retained into the returned buffer. */
  @Override
  public ByteBuf encode(BytesMessage message, ByteBufAllocator alloc) {
    ByteBuf payload = message.content();
    if (message.opaqueMsgId() != null) {
      throw new CodecException("RawBytesMessageCodec carries long msgIds, not " + message.opaqueMsgId());
    }
    ByteBuf header = alloc.ioBuffer(HEADER_LENGTH, HEADER_LENGTH);
    header.writeLong(message.msgId());
    if (!payload.isReadable()) {
      return header;
    }
    CompositeByteBuf out = alloc.compositeDirectBuffer(2);
    out.addComponent(true, header);
    out.addComponent(true, payload.retainedSlice());
    return out;
  }

  @Override
  public BytesMessage decode(ByteBuf packet) {
    if (packet.readableBytes() < HEADER_LENGTH) {
      int n = packet.readableBytes();
      packet.release();
      throw new MsgIdException("bytes message of " + n + " bytes, shorter than its 8-byte msgId header");
    }
    long msgId = packet.getLong(packet.readerIndex() + MSG_ID_OFFSET);
    packet.skipBytes(HEADER_LENGTH);
    return new BytesMessage(msgId, packet);
  }

  @Override
  public long msgId(BytesMessage message) {
    return message.msgId();
  }

  @Override
  public String toString() {
    return "RawBytesMessageCodec";
  }
}
