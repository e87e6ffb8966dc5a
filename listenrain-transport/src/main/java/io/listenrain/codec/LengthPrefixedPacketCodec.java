package io.listenrain.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.Consumer;

/**
 * The default packet codec, byte for byte the original Go framework's: a 4-byte big-endian unsigned length, then
 * that many payload bytes.
 *
 * <pre>
 *  0                   1                   2                   3
 * +-------+-------+-------+-------+-------------------------------+
 * |        length (uint32, big-endian)    |  payload (length bytes) ...
 * +-------+-------+-------+-------+-------------------------------+
 * </pre>
 *
 * A zero length is a valid, empty packet. A length above {@link #maxPayloadLength()} fails with
 * {@link FrameTooLargeException} as soon as the four header bytes are readable.
 */
public final class LengthPrefixedPacketCodec implements PacketCodec {
  /** Size of the length field. */
  public static final int HEADER_LENGTH = 4;
  /** The default maximum payload: 16 MiB. */
  public static final int DEFAULT_MAX_PAYLOAD_LENGTH = 16 * 1024 * 1024;

  private static final LengthPrefixedPacketCodec DEFAULT = new LengthPrefixedPacketCodec(DEFAULT_MAX_PAYLOAD_LENGTH);

  private final int maxPayloadLength;

  /**
   * @param maxPayloadLength the largest payload accepted, {@code 0 <= max <= Integer.MAX_VALUE - 4}
   */
  public LengthPrefixedPacketCodec(int maxPayloadLength) {
    if (maxPayloadLength < 0 || maxPayloadLength > Integer.MAX_VALUE - HEADER_LENGTH) {
      throw new IllegalArgumentException("maxPayloadLength out of range: " + maxPayloadLength);
    }
    this.maxPayloadLength = maxPayloadLength;
  }

  /** The shared instance with the default 16 MiB maximum. */
  public static LengthPrefixedPacketCodec defaultCodec() {
    return DEFAULT;
  }

  @Override
  public void encode(ByteBuf payload, ByteBufAllocator alloc, Consumer<ByteBuf> out) {
    int length = payload.readableBytes();
    if (length > maxPayloadLength) {
      payload.release();
      throw new FrameTooLargeException(length, maxPayloadLength);
    }
    ByteBuf header;
    try {
      header = alloc.ioBuffer(HEADER_LENGTH, HEADER_LENGTH);
    } catch (Throwable t) {
      payload.release();
      throw t;
    }
    header.writeInt(length);
    try {
      out.accept(header);
    } catch (Throwable t) {
      payload.release(); // out owns the header now, but never saw the payload
      throw t;
    }
    out.accept(payload);
  }

  @Override
  public ByteBuf decode(ByteBuf in) {
    int start = in.readerIndex();
    if (in.readableBytes() < HEADER_LENGTH) {
      return null;
    }
    long length = in.getUnsignedInt(start);
    if (length > maxPayloadLength) {
      throw new FrameTooLargeException(length, maxPayloadLength);
    }
    if (in.readableBytes() - HEADER_LENGTH < length) {
      return null;
    }
    ByteBuf packet = in.retainedSlice(start + HEADER_LENGTH, (int) length);
    in.readerIndex(start + HEADER_LENGTH + (int) length);
    return packet;
  }

  @Override
  public int maxPayloadLength() {
    return maxPayloadLength;
  }

  @Override
  public String toString() {
    return "LengthPrefixedPacketCodec(max=" + maxPayloadLength + ")";
  }
}
