package io.listenrain.grpc;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Decodes one frame (type, flags, stream id, payload: a packet from the length-prefixed codec) and reports it to a
 * {@link Listener}. Pure apart from the listener calls. Unknown frame types and unknown flags are ignored, as the
 * protocol requires; malformed frames throw {@link GrpcProtocolException}, the only exception that escapes.
 *
 * <p>Buffer ownership: {@link #read} does not release {@code frame}; a DATA payload handed to the listener is a
 * retained slice the listener owns.
 */
final class FrameReader {
  /** Receives decoded frames, on the connection's I/O thread. */
  interface Listener {
    void settings(Settings settings);

    void settingsAck();

    /** Client-to-server HEADERS. */
    void requestHeaders(int streamId, String path, String authority, byte[][] metadata);

    /**
     * Client-to-server HEADERS whose metadata is over this end's limit: decoding stopped there (the rest of the block
     * was not parsed), so the call must be refused. {@code frameBytes} is the HEADERS payload length.
     */
    default void requestHeadersTooLarge(int streamId, int frameBytes, MetadataCodec.MetadataTooLargeException e) {
      throw new AssertionError("only a server reader has a metadata limit", e);
    }

    /** Server-to-client HEADERS. */
    void responseHeaders(int streamId, byte[][] metadata);

    /**
     * Server-to-client HEADERS ({@code trailers} false) or TRAILERS whose metadata is over this end's limit: decoding
     * stopped there (the rest of the block was not parsed), so the call must fail.
     */
    default void responseMetadataTooLarge(int streamId, boolean trailers, MetadataCodec.MetadataTooLargeException e) {
      throw new AssertionError("only a client reader has a response metadata limit", e);
    }

    /** The listener owns {@code payload}. */
    void data(int streamId, ByteBuf payload, boolean endStream);

    void trailers(int streamId, int code, String message, byte[][] metadata);

    void rst(int streamId, int errorCode);

    void window(int streamId, int increment);

    void ping(boolean ack, long payload);

    void goAway(int lastStreamId, int errorCode, String message);
  }

  private final boolean server;
  private final int maxDataLength;
  private final long maxMetadataSize;

  /**
   * @param server whether this end is the server (HEADERS are then requests)
   * @param maxDataLength the largest DATA payload accepted: this end's advertised max frame size
   */
  FrameReader(boolean server, int maxDataLength) {
    this(server, maxDataLength, Long.MAX_VALUE);
  }

  /**
   * @param maxMetadataSize this end's metadata limit: request metadata (a server) or response headers and trailers
   *     (a client) are decoded only up to it, and a block over it is reported to
   *     {@link Listener#requestHeadersTooLarge} or {@link Listener#responseMetadataTooLarge}
   */
  FrameReader(boolean server, int maxDataLength, long maxMetadataSize) {
    this.server = server;
    this.maxDataLength = maxDataLength;
    this.maxMetadataSize = maxMetadataSize;
  }

  void read(ByteBuf frame, Listener listener) {
    int start = frame.readerIndex();
    int length = frame.readableBytes();
    if (length < Wire.FRAME_HEADER_LENGTH) {
      throw new GrpcProtocolException("frame of " + length + " bytes is shorter than its 6-byte header");
    }
    int type = frame.getUnsignedByte(start + Wire.OFFSET_TYPE);
    int flags = frame.getUnsignedByte(start + Wire.OFFSET_FLAGS);
    long rawId = frame.getUnsignedInt(start + Wire.OFFSET_STREAM_ID);
    if (rawId > Integer.MAX_VALUE) {
      throw new GrpcProtocolException("stream id " + rawId + " above 2^31-1");
    }
    int id = (int) rawId;
    int p = start + Wire.FRAME_HEADER_LENGTH;
    int n = length - Wire.FRAME_HEADER_LENGTH;
    int end = p + n;
    switch (type) {
      case Wire.SETTINGS:
        requireConnection(type, id);
        if ((flags & Wire.FLAG_ACK) != 0) {
          requireLength(type, n, 0);
          listener.settingsAck();
        } else {
          listener.settings(Settings.decode(frame, p, n));
        }
        break;
      case Wire.HEADERS: {
        requireStream(type, id);
        ByteBuf view = frame.slice(p, n);
        if (server) {
          String path = readShortString(view, "method name");
          String authority = readShortString(view, "authority");
          byte[][] md;
          try {
            md = MetadataCodec.decode(view, n, maxMetadataSize);
          } catch (MetadataCodec.MetadataTooLargeException e) {
            listener.requestHeadersTooLarge(id, n, e);
            break;
          }
          requireConsumed(type, view, n);
          listener.requestHeaders(id, path, authority, md);
        } else {
          byte[][] md;
          try {
            md = MetadataCodec.decode(view, n, maxMetadataSize);
          } catch (MetadataCodec.MetadataTooLargeException e) {
            listener.responseMetadataTooLarge(id, false, e);
            break;
          }
          requireConsumed(type, view, n);
          listener.responseHeaders(id, md);
        }
        break;
      }
      case Wire.DATA:
        requireStream(type, id);
        if (n > maxDataLength) {
          throw new GrpcProtocolException("DATA of " + n + " bytes exceeds the max frame size " + maxDataLength);
        }
        listener.data(id, frame.retainedSlice(p, n), (flags & Wire.FLAG_END_STREAM) != 0);
        break;
      case Wire.TRAILERS: {
        requireStream(type, id);
        ByteBuf view = frame.slice(p, n);
        if (n < 8) {
          throw new GrpcProtocolException("TRAILERS of " + n + " bytes is too short");
        }
        long code = view.readUnsignedInt();
        long msgLen = view.readUnsignedInt();
        if (msgLen > view.readableBytes()) {
          throw new GrpcProtocolException("TRAILERS message length " + msgLen + " exceeds the frame");
        }
        String message = view.readCharSequence((int) msgLen, StandardCharsets.UTF_8).toString();
        byte[][] md;
        try {
          md = MetadataCodec.decode(view, n, maxMetadataSize);
        } catch (MetadataCodec.MetadataTooLargeException e) {
          listener.responseMetadataTooLarge(id, true, e);
          break;
        }
        requireConsumed(type, view, n);
        listener.trailers(id, (int) Math.min(code, Integer.MAX_VALUE), message, md);
        break;
      }
      case Wire.RST:
        requireStream(type, id);
        requireLength(type, n, 4);
        listener.rst(id, (int) Math.min(frame.getUnsignedInt(p), Integer.MAX_VALUE));
        break;
      case Wire.WINDOW: {
        requireLength(type, n, 4);
        long inc = frame.getUnsignedInt(p);
        if (inc < 1 || inc > Integer.MAX_VALUE) {
          throw new GrpcProtocolException("WINDOW increment out of range: " + inc);
        }
        listener.window(id, (int) inc);
        break;
      }
      case Wire.PING:
        requireConnection(type, id);
        requireLength(type, n, Wire.PING_PAYLOAD);
        listener.ping((flags & Wire.FLAG_ACK) != 0, frame.getLong(p));
        break;
      case Wire.GOAWAY: {
        requireConnection(type, id);
        if (n < 8) {
          throw new GrpcProtocolException("GOAWAY of " + n + " bytes is too short");
        }
        long last = frame.getUnsignedInt(p);
        long code = frame.getUnsignedInt(p + 4);
        String msg = frame.toString(p + 8, end - (p + 8), StandardCharsets.UTF_8);
        listener.goAway((int) Math.min(last, Integer.MAX_VALUE), (int) Math.min(code, Integer.MAX_VALUE), msg);
        break;
      }
      default:
        break; // unknown frame types are ignored
    }
  }

  private static String readShortString(ByteBuf view, String what) {
    if (view.readableBytes() < 2) {
      throw new GrpcProtocolException("HEADERS truncated before the " + what);
    }
    int len = view.readUnsignedShort();
    if (len > view.readableBytes()) {
      throw new GrpcProtocolException("HEADERS " + what + " length " + len + " exceeds the frame");
    }
    return view.readCharSequence(len, StandardCharsets.UTF_8).toString();
  }

  private static void requireConsumed(int type, ByteBuf view, int n) {
    if (view.readerIndex() != n) {
      throw new GrpcProtocolException(Wire.typeName(type) + " has " + (n - view.readerIndex()) + " trailing bytes");
    }
  }

  private static void requireStream(int type, int id) {
    if (id == 0) {
      throw new GrpcProtocolException(Wire.typeName(type) + " on stream 0");
    }
  }

  private static void requireConnection(int type, int id) {
    if (id != 0) {
      throw new GrpcProtocolException(Wire.typeName(type) + " on stream " + id + ", must be 0");
    }
  }

  private static void requireLength(int type, int n, int expected) {
    if (n != expected) {
      throw new GrpcProtocolException(Wire.typeName(type) + " payload of " + n + " bytes, expected " + expected);
    }
  }
}
