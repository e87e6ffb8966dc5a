package io.listenrain.grpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Records decoded frames as readable strings; releases DATA payloads. */
final class RecordingFrameListener implements FrameReader.Listener {
  final List<String> events = new ArrayList<>();

  static String md(byte[][] md) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < md.length; i++) {
      if (i > 0) {
        b.append(i % 2 == 0 ? ", " : "=");
      }
      b.append(new String(md[i], StandardCharsets.ISO_8859_1));
    }
    return b.append(']').toString();
  }

  @Override
  public void settings(Settings s) {
    events.add("SETTINGS " + s);
  }

  @Override
  public void settingsAck() {
    events.add("SETTINGS_ACK");
  }

  @Override
  public void requestHeaders(int streamId, String path, String authority, byte[][] metadata) {
    events.add("HEADERS " + streamId + " " + path + " " + authority + " " + md(metadata));
  }

  @Override
  public void responseHeaders(int streamId, byte[][] metadata) {
    events.add("HEADERS " + streamId + " " + md(metadata));
  }

  @Override
  public void responseMetadataTooLarge(int streamId, boolean trailers, MetadataCodec.MetadataTooLargeException e) {
    events.add((trailers ? "TRAILERS " : "HEADERS ") + streamId + " too large, at least " + e.atLeast);
  }

  @Override
  public void data(int streamId, ByteBuf payload, boolean endStream) {
    try {
      events.add("DATA " + streamId + " " + ByteBufUtil.hexDump(payload) + (endStream ? " END" : ""));
    } finally {
      payload.release();
    }
  }

  @Override
  public void trailers(int streamId, int code, String message, byte[][] metadata) {
    events.add("TRAILERS " + streamId + " " + code + " " + message + " " + md(metadata));
  }

  @Override
  public void rst(int streamId, int errorCode) {
    events.add("RST " + streamId + " " + errorCode);
  }

  @Override
  public void window(int streamId, int increment) {
    events.add("WINDOW " + streamId + " " + increment);
  }

  @Override
  public void ping(boolean ack, long payload) {
    events.add((ack ? "PONG " : "PING ") + Long.toHexString(payload));
  }

  @Override
  public void goAway(int lastStreamId, int errorCode, String message) {
    events.add("GOAWAY " + lastStreamId + " " + errorCode + " " + message);
  }
}
