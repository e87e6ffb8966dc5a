package io.listenrain.grpc;

import io.listenrain.codec.LengthPrefixedPacketCodec;
import io.listenrain.codec.PacketCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The server's packet codec: {@link FramePacketCodec}, except that until {@link #handshakeDone()} a declared length
 * above {@link TransportConfig#MAX_HANDSHAKE_FRAME} is refused from the 4-byte header alone. A connection that has
 * not finished its handshake can therefore make the server buffer at most that many bytes (a slowloris announcing a
 * 1 MiB first frame and trickling it is cut off at once). After the handshake, a HEADERS frame declared larger than
 * the server's metadata limit allows ({@link TransportConfig#maxHeadersFrame}) is refused from its first 5 bytes
 * the same way, and the codec remembers whether a packet is partly buffered, for the stall timeout. I/O thread only.
 */
final class HandshakeCodec implements PacketCodec {
  /** Offset of the frame type in a packet: after the u32 length. */
  private static final int TYPE_OFFSET = LengthPrefixedPacketCodec.HEADER_LENGTH + Wire.OFFSET_TYPE;

  private final FramePacketCodec delegate;
  private final long maxHeadersFrame;
  private final LongConsumer headersTooLarge;
  private boolean handshakeDone;
  /** A HEADERS frame over the bound was announced: every byte from then on is dropped unread. */
  private boolean discarding;
  /** Whether the last decode left part of a packet buffered (the stall timeout applies then). */
  private boolean partial;

  HandshakeCodec(int maxPayloadLength) {
    this(maxPayloadLength, Long.MAX_VALUE, length -> { });
  }

  /**
   * @param maxHeadersFrame the largest HEADERS frame (type..payload) accepted after the handshake; a larger one is
   *     refused from its 5 first bytes, before its payload is buffered
   * @param headersTooLarge told the declared length of such a frame, once (I/O thread); the codec then drops all
   *     further input, so the connection can send GOAWAY and close without reading on
   */
  HandshakeCodec(int maxPayloadLength, long maxHeadersFrame, LongConsumer headersTooLarge) {
    this.delegate = new FramePacketCodec(maxPayloadLength);
    this.maxHeadersFrame = maxHeadersFrame;
    this.headersTooLarge = headersTooLarge;
  }

  /** Whether part of a packet is buffered, waiting for the rest (I/O thread). */
  boolean hasPartialPacket() {
    return partial;
  }

  /** The first SETTINGS arrived: from now on any frame up to the codec's maximum is accepted. */
  void handshakeDone() {
    handshakeDone = true;
  }

  @Override
  public void encode(ByteBuf payload, ByteBufAllocator alloc, Consumer<ByteBuf> out) {
    delegate.encode(payload, alloc, out);
  }

  @Override
  public ByteBuf decode(ByteBuf in) {
    if (discarding) {
      in.skipBytes(in.readableBytes());
      partial = false;
      return null;
    }
    if (!handshakeDone && in.readableBytes() >= LengthPrefixedPacketCodec.HEADER_LENGTH) {
      long length = in.getUnsignedInt(in.readerIndex());
      if (length > TransportConfig.MAX_HANDSHAKE_FRAME) {
        throw new GrpcProtocolException("first frame of " + length + " bytes exceeds the "
            + TransportConfig.MAX_HANDSHAKE_FRAME + "-byte handshake limit");
      }
    }
    if (handshakeDone && in.readableBytes() > TYPE_OFFSET
        && in.getUnsignedByte(in.readerIndex() + TYPE_OFFSET) == Wire.HEADERS) {
      long length = in.getUnsignedInt(in.readerIndex());
      if (length > maxHeadersFrame) {
        discarding = true;
        in.skipBytes(in.readableBytes());
        partial = false;
        headersTooLarge.accept(length);
        return null;
      }
    }
    ByteBuf packet = delegate.decode(in);
    partial = packet == null && in.isReadable();
    return packet;
  }

  @Override
  public int maxPayloadLength() {
    return delegate.maxPayloadLength();
  }
}
