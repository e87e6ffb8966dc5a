package io.listenrain.grpc;

import io.listenrain.codec.LengthPrefixedPacketCodec;
import io.listenrain.codec.PacketCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.Consumer;

/**
 * The server's packet codec: {@link FramePacketCodec}, except that until {@link #handshakeDone()} a declared length
 * above {@link TransportConfig#MAX_HANDSHAKE_FRAME} is refused from the 4-byte header alone. A connection that has
 * not finished its handshake can therefore make the server buffer at most that many bytes (a slowloris announcing a
 * 1 MiB first frame and trickling it is cut off at once). I/O thread only.
 */
final class HandshakeCodec implements PacketCodec {
  private final FramePacketCodec delegate;
  private boolean handshakeDone;

  HandshakeCodec(int maxPayloadLength) {
    this.delegate = new FramePacketCodec(maxPayloadLength);
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
    if (!handshakeDone && in.readableBytes() >= LengthPrefixedPacketCodec.HEADER_LENGTH) {
      long length = in.getUnsignedInt(in.readerIndex());
      if (length > TransportConfig.MAX_HANDSHAKE_FRAME) {
        throw new GrpcProtocolException("first frame of " + length + " bytes exceeds the "
            + TransportConfig.MAX_HANDSHAKE_FRAME + "-byte handshake limit");
      }
    }
    return delegate.decode(in);
  }

  @Override
  public int maxPayloadLength() {
    return delegate.maxPayloadLength();
  }
}
