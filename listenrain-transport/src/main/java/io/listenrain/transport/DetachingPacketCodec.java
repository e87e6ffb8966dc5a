package io.listenrain.transport;

import io.listenrain.codec.PacketCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.function.Consumer;

/**
 * WORKAROUND, to remove once {@link Connection} is fixed. {@code Connection}'s reader calls
 * {@code cumulation.discardSomeReadBytes()} even while packets it handed out are retained slices of that cumulation
 * (Netty's own {@code ByteToMessageDecoder} only discards when {@code refCnt() == 1}); the compaction then moves
 * bytes under those slices and a packet still in use elsewhere is silently corrupted. Protocols that keep a packet
 * past {@code packetReceived} (every native protocol: the message travels to the callback executor) must therefore
 * detach it: this codec copies each decoded packet into its own pooled buffer. The fix in {@code Connection} is one
 * guard, {@code else if (cumulation.refCnt() == 1) cumulation.discardSomeReadBytes();}.
 */
final class DetachingPacketCodec implements PacketCodec {
  private final PacketCodec delegate;

  private DetachingPacketCodec(PacketCodec delegate) {
    this.delegate = delegate;
  }

  static PacketCodec wrap(PacketCodec codec) {
    return codec instanceof DetachingPacketCodec ? codec : new DetachingPacketCodec(codec);
  }

  @Override
  public void encode(ByteBuf payload, ByteBufAllocator alloc, Consumer<ByteBuf> out) {
    delegate.encode(payload, alloc, out);
  }

  @Override
  public ByteBuf decode(ByteBuf in) {
    ByteBuf slice = delegate.decode(in);
    if (slice == null) {
      return null;
    }
    try {
      ByteBuf copy = PooledByteBufAllocator.DEFAULT.ioBuffer(slice.readableBytes());
      copy.writeBytes(slice, slice.readerIndex(), slice.readableBytes());
      return copy;
    } finally {
      slice.release();
    }
  }

  @Override
  public int maxPayloadLength() {
    return delegate.maxPayloadLength();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
