package io.listenrain.grpc;

import io.netty.buffer.ByteBuf;

/**
 * What one side of a connection tells the other in its SETTINGS frame: the limits it enforces on what it receives.
 * Immutable.
 *
 * <pre>
 * SETTINGS payload := (id:u16 value:u32)*     unknown ids are ignored, a missing id keeps its default
 * </pre>
 */
final class Settings {
  static final int DEFAULT_MAX_FRAME_SIZE = 64 * 1024;
  static final int DEFAULT_WINDOW = 1024 * 1024;
  static final int DEFAULT_MAX_METADATA_SIZE = 8 * 1024;
  static final int ENTRY_LENGTH = 6;

  final int version;
  final int maxFrameSize;
  final int initialStreamWindow;
  final int connectionWindow;
  final int maxConcurrentStreams;
  final int maxMetadataSize;

  Settings(int maxFrameSize, int initialStreamWindow, int connectionWindow, int maxConcurrentStreams,
      int maxMetadataSize) {
    this(Wire.VERSION, maxFrameSize, initialStreamWindow, connectionWindow, maxConcurrentStreams, maxMetadataSize);
  }

  private Settings(int version, int maxFrameSize, int initialStreamWindow, int connectionWindow,
      int maxConcurrentStreams, int maxMetadataSize) {
    this.version = version;
    this.maxFrameSize = maxFrameSize;
    this.initialStreamWindow = initialStreamWindow;
    this.connectionWindow = connectionWindow;
    this.maxConcurrentStreams = maxConcurrentStreams;
    this.maxMetadataSize = maxMetadataSize;
  }

  /** The values a peer is assumed to have until its SETTINGS arrive. */
  static Settings defaults() {
    return new Settings(DEFAULT_MAX_FRAME_SIZE, DEFAULT_WINDOW, DEFAULT_WINDOW, Integer.MAX_VALUE,
        DEFAULT_MAX_METADATA_SIZE);
  }

  void encode(ByteBuf out) {
    out.writeShort(Wire.SETTING_VERSION).writeInt(version);
    out.writeShort(Wire.SETTING_MAX_FRAME_SIZE).writeInt(maxFrameSize);
    out.writeShort(Wire.SETTING_INITIAL_STREAM_WINDOW).writeInt(initialStreamWindow);
    out.writeShort(Wire.SETTING_CONNECTION_WINDOW).writeInt(connectionWindow);
    out.writeShort(Wire.SETTING_MAX_CONCURRENT_STREAMS).writeInt(maxConcurrentStreams);
    out.writeShort(Wire.SETTING_MAX_METADATA_SIZE).writeInt(maxMetadataSize);
  }

  static int encodedLength() {
    return 6 * ENTRY_LENGTH;
  }

  /**
   * Decodes {@code length} bytes at {@code offset} of {@code in} with absolute reads.
   *
   * @throws GrpcProtocolException if the length is not a multiple of 6, the version is not ours, or a value is out
   *     of range
   */
  static Settings decode(ByteBuf in, int offset, int length) {
    if (length % ENTRY_LENGTH != 0) {
      throw new GrpcProtocolException("SETTINGS payload length " + length + " is not a multiple of 6");
    }
    Settings d = defaults();
    int version = -1;
    int maxFrame = d.maxFrameSize;
    int streamWindow = d.initialStreamWindow;
    int connWindow = d.connectionWindow;
    int maxStreams = d.maxConcurrentStreams;
    int maxMetadata = d.maxMetadataSize;
    for (int i = offset; i < offset + length; i += ENTRY_LENGTH) {
      int id = in.getUnsignedShort(i);
      long value = in.getUnsignedInt(i + 2);
      switch (id) {
        case Wire.SETTING_VERSION:
          version = (int) Math.min(value, Integer.MAX_VALUE);
          break;
        case Wire.SETTING_MAX_FRAME_SIZE:
          if (value < Wire.MIN_MAX_FRAME_SIZE || value > Wire.MAX_MAX_FRAME_SIZE) {
            throw new GrpcProtocolException("SETTINGS max frame size out of range: " + value);
          }
          maxFrame = (int) value;
          break;
        case Wire.SETTING_INITIAL_STREAM_WINDOW:
          streamWindow = positiveInt("initial stream window", value);
          break;
        case Wire.SETTING_CONNECTION_WINDOW:
          connWindow = positiveInt("connection window", value);
          break;
        case Wire.SETTING_MAX_CONCURRENT_STREAMS:
          maxStreams = (int) Math.min(value, Integer.MAX_VALUE);
          break;
        case Wire.SETTING_MAX_METADATA_SIZE:
          maxMetadata = (int) Math.min(value, Integer.MAX_VALUE);
          break;
        default:
          break; // unknown settings are ignored
      }
    }
    if (version != Wire.VERSION) {
      throw new GrpcProtocolException("unsupported protocol version " + version + " (this end speaks "
          + Wire.VERSION + ")");
    }
    return new Settings(version, maxFrame, streamWindow, connWindow, maxStreams, maxMetadata);
  }

  private static int positiveInt(String what, long value) {
    if (value < 1 || value > Integer.MAX_VALUE) {
      throw new GrpcProtocolException("SETTINGS " + what + " out of range: " + value);
    }
    return (int) value;
  }

  @Override
  public String toString() {
    return "Settings{version=" + version + ", maxFrameSize=" + maxFrameSize + ", initialStreamWindow="
        + initialStreamWindow + ", connectionWindow=" + connectionWindow + ", maxConcurrentStreams="
        + maxConcurrentStreams + ", maxMetadataSize=" + maxMetadataSize + "}";
  }
}
