package io.listenrain.grpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Builds frames (type, flags, stream id, payload: everything after the u32 length, which the packet codec adds).
 * Pure: no I/O, no state. Every method returns a new buffer the caller owns; {@link #data} takes ownership of its
 * payload.
 *
 * <p>Every frame buffer built here keeps {@link FramePacketCodec#HEADROOM} free bytes before its first byte, so
 * the codec writes the packet length in place and the whole packet leaves as one buffer. A DATA payload that comes
 * with free bytes in front of it (the framer's buffers reserve {@link #DATA_HEADROOM}) gets its frame header written
 * there, without a copy and without a composite.
 */
final class FrameWriter {
  private FrameWriter() {}

  /** Free bytes a DATA payload buffer should keep in front of its data: the packet length and the frame header. */
  static final int DATA_HEADROOM = FramePacketCodec.HEADROOM + Wire.FRAME_HEADER_LENGTH;

  private static ByteBuf header(ByteBufAllocator alloc, int type, int flags, int streamId, int payloadLength) {
    int headroom = FramePacketCodec.HEADROOM;
    ByteBuf b = alloc.buffer(headroom + Wire.FRAME_HEADER_LENGTH + payloadLength);
    b.setIndex(headroom, headroom);
    b.writeByte(type).writeByte(flags).writeInt(streamId);
    return b;
  }

  /**
   * Whether the bytes in front of {@code buf}'s reader index are free to overwrite, for a buffer the caller owns that
   * is not a slice or duplicate of another: nothing else references it. A buffer whose front was cut off as retained
   * slices keeps a higher reference count until those slices are written and released.
   */
  static boolean frontIsFree(ByteBuf buf) {
    return buf.refCnt() == 1 && !buf.isReadOnly();
  }

  static ByteBuf settings(ByteBufAllocator alloc, Settings s) {
    ByteBuf b = header(alloc, Wire.SETTINGS, 0, 0, Settings.encodedLength());
    s.encode(b);
    return b;
  }

  static ByteBuf settingsAck(ByteBufAllocator alloc) {
    return header(alloc, Wire.SETTINGS, Wire.FLAG_ACK, 0, 0);
  }

  /**
   * Client request HEADERS: {@code pathLength:u16 path authorityLength:u16 authority metadata}, path and authority in
   * UTF-8.
   */
  static ByteBuf requestHeaders(ByteBufAllocator alloc, int streamId, String path, String authority,
      byte[][] metadata) {
    byte[] p = Wire.utf8(path);
    byte[] a = Wire.utf8(authority == null ? "" : authority);
    if (p.length > 0xffff || a.length > 0xffff) {
      throw new IllegalArgumentException("method name or authority longer than 65535 bytes");
    }
    ByteBuf b = header(alloc, Wire.HEADERS, 0, streamId, 4 + p.length + a.length
        + MetadataCodec.encodedLength(metadata));
    b.writeShort(p.length).writeBytes(p).writeShort(a.length).writeBytes(a);
    MetadataCodec.encode(metadata, b);
    return b;
  }

  /** Server response HEADERS: {@code metadata}. */
  static ByteBuf responseHeaders(ByteBufAllocator alloc, int streamId, byte[][] metadata) {
    ByteBuf b = header(alloc, Wire.HEADERS, 0, streamId, MetadataCodec.encodedLength(metadata));
    MetadataCodec.encode(metadata, b);
    return b;
  }

  /** Payloads up to this size are copied behind the header: cheaper than a composite's bookkeeping. */
  static final int COPY_THRESHOLD = 1024;

  /** DATA for a payload that may be a slice of another buffer: {@code data(alloc, streamId, endStream, payload, false)}. */
  static ByteBuf data(ByteBufAllocator alloc, int streamId, boolean endStream, ByteBuf payload) {
    return data(alloc, streamId, endStream, payload, false);
  }

  /**
   * DATA: the payload as is. Takes ownership of {@code payload}. If {@code undivided} (the payload is a buffer of its
   * own, not a slice or duplicate of another) and it has {@link #DATA_HEADROOM} free bytes in front of it
   * ({@link #frontIsFree}), the header is written there and the payload itself is returned. Otherwise a direct
   * payload larger than {@link #COPY_THRESHOLD} is not copied (the result is a composite); a small one, or a heap one
   * (a socket copies a heap buffer into direct memory anyway, with a composite around it), is copied once into a
   * single I/O buffer.
   */
  static ByteBuf data(ByteBufAllocator alloc, int streamId, boolean endStream, ByteBuf payload, boolean undivided) {
    int flags = endStream ? Wire.FLAG_END_STREAM : 0;
    int n = payload.readableBytes();
    int start = payload.readerIndex() - Wire.FRAME_HEADER_LENGTH;
    if (undivided && start >= FramePacketCodec.HEADROOM && frontIsFree(payload)) {
      payload.setByte(start + Wire.OFFSET_TYPE, Wire.DATA);
      payload.setByte(start + Wire.OFFSET_FLAGS, flags);
      payload.setInt(start + Wire.OFFSET_STREAM_ID, streamId);
      payload.readerIndex(start);
      return payload;
    }
    if (n <= COPY_THRESHOLD || !payload.isDirect()) {
      try {
        int headroom = FramePacketCodec.HEADROOM;
        ByteBuf b = alloc.ioBuffer(headroom + Wire.FRAME_HEADER_LENGTH + n);
        b.setIndex(headroom, headroom);
        b.writeByte(Wire.DATA).writeByte(flags).writeInt(streamId).writeBytes(payload);
        return b;
      } finally {
        payload.release();
      }
    }
    ByteBuf h;
    try {
      h = header(alloc, Wire.DATA, flags, streamId, 0);
    } catch (Throwable t) {
      payload.release();
      throw t;
    }
    CompositeByteBuf c = alloc.compositeBuffer(2);
    c.addComponent(true, h);
    c.addComponent(true, payload);
    return c;
  }

  /** TRAILERS: {@code code:u32 messageLength:u32 message metadata}, the message in UTF-8. */
  static ByteBuf trailers(ByteBufAllocator alloc, int streamId, int code, String message, byte[][] metadata) {
    byte[] m = message == null ? new byte[0] : message.getBytes(StandardCharsets.UTF_8);
    ByteBuf b = header(alloc, Wire.TRAILERS, 0, streamId, 8 + m.length + MetadataCodec.encodedLength(metadata));
    b.writeInt(code).writeInt(m.length).writeBytes(m);
    MetadataCodec.encode(metadata, b);
    return b;
  }

  /** RST: {@code errorCode:u32}. */
  static ByteBuf rst(ByteBufAllocator alloc, int streamId, int errorCode) {
    return header(alloc, Wire.RST, 0, streamId, 4).writeInt(errorCode);
  }

  /** WINDOW: {@code increment:u32}; stream 0 is the connection. */
  static ByteBuf window(ByteBufAllocator alloc, int streamId, int increment) {
    return header(alloc, Wire.WINDOW, 0, streamId, 4).writeInt(increment);
  }

  /** PING or its acknowledgement: {@code opaque:u64}. */
  static ByteBuf ping(ByteBufAllocator alloc, boolean ack, long payload) {
    return header(alloc, Wire.PING, ack ? Wire.FLAG_ACK : 0, 0, 8).writeLong(payload);
  }

  /** GOAWAY: {@code lastStreamId:u32 errorCode:u32 message}, the message in UTF-8 up to the frame's end. */
  static ByteBuf goAway(ByteBufAllocator alloc, int lastStreamId, int errorCode, String message) {
    byte[] m = message == null ? new byte[0] : message.getBytes(StandardCharsets.UTF_8);
    return header(alloc, Wire.GOAWAY, 0, 0, 8 + m.length).writeInt(lastStreamId).writeInt(errorCode).writeBytes(m);
  }
}
