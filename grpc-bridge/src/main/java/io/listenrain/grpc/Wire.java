package io.listenrain.grpc;

import java.nio.charset.StandardCharsets;

/**
 * Constants of the ListenRain gRPC wire protocol, version 1. The full layout is in docs/PROTOCOL.md.
 *
 * <pre>
 * connection := preface frame*        (client to server)
 *             | frame*                (server to client)
 * preface    := "LRGRPC" 0x00 version (8 bytes, raw, not length-prefixed)
 * frame      := length:u32 type:u8 flags:u8 streamId:u32 payload   (length counts type..payload, so length >= 6)
 * </pre>
 *
 * All integers are big-endian and unsigned.
 */
final class Wire {
  private Wire() {}

  /** Protocol version carried in the preface and in SETTINGS. */
  static final int VERSION = 1;
  /** The 8-byte client preface. Read as a native 4-byte length, "LRGR" would exceed 1 GiB. */
  static final byte[] PREFACE = {'L', 'R', 'G', 'R', 'P', 'C', 0, VERSION};
  static final int PREFACE_LENGTH = PREFACE.length;

  /** Bytes of a frame header after the u32 length: type, flags, stream id. */
  static final int FRAME_HEADER_LENGTH = 6;
  static final int OFFSET_TYPE = 0;
  static final int OFFSET_FLAGS = 1;
  static final int OFFSET_STREAM_ID = 2;

  // Frame types.
  static final int SETTINGS = 0x0;
  static final int HEADERS = 0x1;
  static final int DATA = 0x2;
  static final int TRAILERS = 0x3;
  static final int RST = 0x4;
  static final int WINDOW = 0x5;
  static final int PING = 0x6;
  static final int GOAWAY = 0x7;

  // Flags.
  /** DATA: the sender's last frame on this stream. */
  static final int FLAG_END_STREAM = 0x1;
  /** SETTINGS and PING: this frame acknowledges the peer's. */
  static final int FLAG_ACK = 0x1;

  // SETTINGS identifiers; each entry is id:u16 value:u32.
  static final int SETTING_VERSION = 0x1;
  static final int SETTING_MAX_FRAME_SIZE = 0x2;
  static final int SETTING_INITIAL_STREAM_WINDOW = 0x3;
  static final int SETTING_CONNECTION_WINDOW = 0x4;
  static final int SETTING_MAX_CONCURRENT_STREAMS = 0x5;
  static final int SETTING_MAX_METADATA_SIZE = 0x6;

  // Error codes in RST and GOAWAY (the HTTP/2 values).
  static final int NO_ERROR = 0x0;
  static final int PROTOCOL_ERROR = 0x1;
  static final int INTERNAL_ERROR = 0x2;
  static final int FLOW_CONTROL_ERROR = 0x3;
  /** RST: a frame came for a stream whose sender had already ended it (DATA after END_STREAM). */
  static final int STREAM_CLOSED = 0x5;
  static final int REFUSED_STREAM = 0x7;
  static final int CANCEL = 0x8;
  static final int ENHANCE_YOUR_CALM = 0xb;

  /** Largest frame (type..payload) any implementation must accept, whatever the advertised DATA size: 1 MiB + header. */
  static final int MAX_CONTROL_FRAME = 1024 * 1024;
  static final int MIN_MAX_FRAME_SIZE = 16 * 1024;
  static final int MAX_MAX_FRAME_SIZE = 1024 * 1024;

  static final int PING_PAYLOAD = 8;
  /** The payload of the PING a server sends after its first drain GOAWAY: "LRDRAIN" and 0x01. */
  static final long DRAIN_PING_PAYLOAD = 0x4c52445241494e01L;

  static String typeName(int type) {
    switch (type) {
      case SETTINGS: return "SETTINGS";
      case HEADERS: return "HEADERS";
      case DATA: return "DATA";
      case TRAILERS: return "TRAILERS";
      case RST: return "RST";
      case WINDOW: return "WINDOW";
      case PING: return "PING";
      case GOAWAY: return "GOAWAY";
      default: return "UNKNOWN(" + type + ")";
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
