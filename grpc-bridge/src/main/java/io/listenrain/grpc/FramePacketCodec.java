package io.listenrain.grpc;

import io.listenrain.codec.FrameTooLargeException;
import io.listenrain.codec.LengthPrefixedPacketCodec;
import io.listenrain.codec.PacketCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.Consumer;

/**
 * The packet codec of a gRPC connection: byte for byte {@link LengthPrefixedPacketCodec}, but a frame built with
 * room for the length in front of it ({@link FrameWriter} reserves {@link #HEADROOM} bytes) gets its length written
 * there and leaves as one buffer, instead of a separate 4-byte header buffer. Decoding is the length-prefixed codec's.
 *
 * <p>Buffer ownership as {@link PacketCodec#encode}: the payload is taken over in every case. Every packet is a
 * frame from {@link FrameWriter}: a buffer of its own (then its front is free when nothing else references it) or a
 * composite starting at index 0.
 */
final class FramePacketCodec implements PacketCodec {
  /** Bytes a frame buffer keeps free in front of its frame header, for the packet length. */
  static final int HEADROOM = LengthPrefixedPacketCodec.HEADER_LENGTH;

  private final LengthPrefixedPacketCodec lengthPrefixed;

  FramePacketCodec(int maxPayloadLength) {
    this.lengthPrefixed = new LengthPrefixedPacketCodec(maxPayloadLength);
  }

  @Override
  public void encode(ByteBuf payload, ByteBufAllocator alloc, Consumer<ByteBuf> out) {
    int length = payload.readableBytes();
    int start = payload.readerIndex() - HEADROOM;
    if (start < 0 || !FrameWriter.frontIsFree(payload)) {
      lengthPrefixed.encode(payload, alloc, out);
      return;
    }
    if (length > lengthPrefixed.maxPayloadLength()) {
      payload.release();
      throw new FrameTooLargeException(length, lengthPrefixed.maxPayloadLength());
    }
    payload.setInt(start, length);
    payload.readerIndex(start);
    out.accept(payload);
  }

  @Override
  public ByteBuf decode(ByteBuf in) {
    return lengthPrefixed.decode(in);
  }

  @Override
  public int maxPayloadLength() {
    return lengthPrefixed.maxPayloadLength();
  }
}
