package io.listenrain.grpc;

import io.grpc.Internal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The bridge's package-private frame layer ({@code FrameWriter}, {@code FrameReader}, {@code MetadataCodec}) opened
 * to the {@code benchmark} module, so that module needs no classes in this package. Not a stable API: it follows the
 * frame classes and may change in any release.
 */
@Internal
public final class InternalGrpcFrames {
  /** DATA payloads up to this many bytes are copied into the frame; larger ones are composed. */
  public static final int DATA_COPY_THRESHOLD = FrameWriter.COPY_THRESHOLD;
  /** The largest max frame size a peer may advertise. */
  public static final int MAX_MAX_FRAME_SIZE = Wire.MAX_MAX_FRAME_SIZE;
  /** The default metadata limit of either end, in HTTP/2 accounting (name + value + 32 bytes per entry). */
  public static final int DEFAULT_MAX_METADATA_SIZE = Settings.DEFAULT_MAX_METADATA_SIZE;
  /** The per-entry overhead of that accounting. */
  public static final int METADATA_ENTRY_OVERHEAD = MetadataCodec.ENTRY_OVERHEAD;

  private InternalGrpcFrames() {}

  /** A DATA frame; takes ownership of {@code payload} in every case. */
  public static ByteBuf data(ByteBufAllocator alloc, int streamId, boolean endStream, ByteBuf payload) {
    return FrameWriter.data(alloc, streamId, endStream, payload);
  }

  /** A client's request HEADERS frame. */
  public static ByteBuf requestHeaders(ByteBufAllocator alloc, int streamId, String path, String authority,
      byte[][] metadata) {
    return FrameWriter.requestHeaders(alloc, streamId, path, authority, metadata);
  }

  /** The HTTP/2-accounted size of a metadata block. */
  public static long metadataSize(byte[][] namesAndValues) {
    return MetadataCodec.size(namesAndValues);
  }

  /** The encoded length of a metadata block. */
  public static int metadataEncodedLength(byte[][] namesAndValues) {
    return MetadataCodec.encodedLength(namesAndValues);
  }

  /** Writes a metadata block to {@code out}. */
  public static void encodeMetadata(byte[][] namesAndValues, ByteBuf out) {
    MetadataCodec.encode(namesAndValues, out);
  }

  /** Reads a metadata block from {@code in}'s reader index up to {@code end}. */
  public static byte[][] decodeMetadata(ByteBuf in, int end) {
    return MetadataCodec.decode(in, end);
  }

  /**
   * A frame reader whose listener keeps only the last decoded object and releases every DATA payload it receives.
   *
   * @param server whether the reader is a server's (HEADERS are then requests)
   */
  public static DiscardingReader discardingReader(boolean server) {
    return new DiscardingReader(server);
  }

  /** See {@link #discardingReader}. Not thread-safe: one thread reads. */
  public static final class DiscardingReader {
    private final FrameReader reader;
    private final Discarding listener = new Discarding();

    private DiscardingReader(boolean server) {
      reader = new FrameReader(server, Wire.MAX_MAX_FRAME_SIZE);
    }

    /**
     * Decodes one whole frame without moving its reader index or taking ownership of it; returns the last object the
     * listener kept (settings, metadata or a GOAWAY message), so the decode is not dead code.
     */
    public Object read(ByteBuf frame) {
      reader.read(frame, listener);
      return listener.last;
    }
  }

  private static final class Discarding implements FrameReader.Listener {
    Object last;

    @Override
    public void settings(Settings settings) {
      last = settings;
    }

    @Override
    public void settingsAck() {}

    @Override
    public void requestHeaders(int streamId, String path, String authority, byte[][] md) {
      last = md;
    }

    @Override
    public void responseHeaders(int streamId, byte[][] md) {
      last = md;
    }

    @Override
    public void data(int streamId, ByteBuf data, boolean endStream) {
      data.release();
    }

    @Override
    public void trailers(int streamId, int code, String message, byte[][] md) {
      last = md;
    }

    @Override
    public void rst(int streamId, int errorCode) {}

    @Override
    public void window(int streamId, int increment) {}

    @Override
    public void ping(boolean ack, long data) {}

    @Override
    public void goAway(int lastStreamId, int errorCode, String message) {
      last = message;
    }
  }
}
