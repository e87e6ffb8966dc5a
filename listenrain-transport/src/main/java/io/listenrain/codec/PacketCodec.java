package io.listenrain.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.Consumer;

/**
 * Frames packets on a byte stream: the EncodePacket/DecodePacket pair of the original framework, which solves the
 * sticky-packet problem. Implementations are pure (no I/O, no hidden state between calls) and thread-safe, so one
 * instance may serve every connection of a protocol.
 *
 * <h2>Buffer ownership</h2>
 * {@link #encode} takes ownership of {@code payload} and hands every buffer it emits to {@code out}, which takes
 * ownership of those; on an exception the codec has released everything. {@link #decode} never releases {@code in};
 * it returns a new reference (typically a retained slice) the caller owns.
 */
public interface PacketCodec {

  /**
   * Frames one packet. Emits one or more buffers to {@code out}, in wire order (for example a small header and then
   * the payload itself, so that large payloads are never copied).
   *
   * @throws FrameTooLargeException if the payload exceeds the codec's maximum
   */
  void encode(ByteBuf payload, ByteBufAllocator alloc, Consumer<ByteBuf> out);

  /**
   * Decodes one packet from the front of {@code in}, if it is complete. On success the reader index of {@code in}
   * moves past the packet and the packet's payload is returned. If more bytes are needed, returns {@code null} and
   * leaves the reader index where it was.
   *
   * <p>The declared length is checked against the maximum as soon as the header is readable, before the body has
   * arrived and before anything is allocated.
   *
   * @throws FrameTooLargeException if the header declares a packet larger than the maximum
   * @throws CorruptedFrameException if the header is malformed
   */
  ByteBuf decode(ByteBuf in);

  /** The largest payload, in bytes, that this codec encodes or accepts. */
  int maxPayloadLength();
}
