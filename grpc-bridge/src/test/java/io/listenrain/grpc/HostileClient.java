package io.listenrain.grpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A client that speaks the ListenRain gRPC wire (docs/PROTOCOL.md) from a plain blocking socket, frame by frame, so
 * tests can misbehave in ways the real client never would. Frames are built with the bridge's own
 * {@link FrameWriter}; nothing of the server is mocked. One thread writes, one may read.
 */
final class HostileClient implements AutoCloseable {
  /** A frame as read: type, flags, stream id and payload. */
  record Frame(int type, int flags, int streamId, byte[] payload) {
    /** GOAWAY's error code. */
    int goAwayCode() {
      return ((payload[4] & 0xff) << 24) | ((payload[5] & 0xff) << 16) | ((payload[6] & 0xff) << 8) | (payload[7] & 0xff);
    }

    /** GOAWAY's message. */
    String goAwayMessage() {
      return new String(payload, 8, payload.length - 8, StandardCharsets.UTF_8);
    }

    /** RST's error code, or TRAILERS' status code. */
    int code() {
      return ((payload[0] & 0xff) << 24) | ((payload[1] & 0xff) << 16) | ((payload[2] & 0xff) << 8) | (payload[3] & 0xff);
    }
  }

  static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

  final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;

  /** Connects; {@code receiveBuffer > 0} shrinks the socket's receive buffer first (for peers that never read). */
  HostileClient(InetSocketAddress server, int receiveBuffer) throws IOException {
    socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.setTcpNoDelay(true);
    socket.connect(server, 5_000);
    out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    in = new DataInputStream(socket.getInputStream());
  }

  /** The preface and a SETTINGS frame with the default values, flushed. */
  HostileClient handshake() throws IOException {
    out.write(Wire.PREFACE);
    frame(FrameWriter.settings(ALLOC, new TransportConfig().localSettings()));
    flush();
    return this;
  }

  /** Writes one frame (u32 length, then the frame FrameWriter built) and releases it; call {@link #flush}. */
  HostileClient frame(ByteBuf frame) throws IOException {
    try {
      int n = frame.readableBytes();
      out.write(n >>> 24);
      out.write(n >>> 16);
      out.write(n >>> 8);
      out.write(n);
      frame.readBytes(out, n);
    } finally {
      frame.release();
    }
    return this;
  }

  HostileClient raw(byte[] bytes) throws IOException {
    out.write(bytes);
    return this;
  }

  void flush() throws IOException {
    out.flush();
  }

  /** Request HEADERS for {@code method}, with {@code extra} metadata pairs (name, value, ...). */
  HostileClient headers(int streamId, String method, String... extra) throws IOException {
    byte[][] md = new byte[extra.length][];
    for (int i = 0; i < extra.length; i++) {
      md[i] = extra[i].getBytes(StandardCharsets.US_ASCII);
    }
    return frame(FrameWriter.requestHeaders(ALLOC, streamId, method, "localhost", md));
  }

  HostileClient data(int streamId, byte[] payload, boolean endStream) throws IOException {
    return frame(FrameWriter.data(ALLOC, streamId, endStream, ALLOC.buffer(payload.length).writeBytes(payload)));
  }

  HostileClient rst(int streamId) throws IOException {
    return frame(FrameWriter.rst(ALLOC, streamId, Wire.CANCEL));
  }

  /** A gRPC length-prefixed message (uncompressed). */
  static byte[] message(byte[] body) {
    byte[] m = new byte[5 + body.length];
    m[1] = (byte) (body.length >>> 24);
    m[2] = (byte) (body.length >>> 16);
    m[3] = (byte) (body.length >>> 8);
    m[4] = (byte) body.length;
    System.arraycopy(body, 0, m, 5, body.length);
    return m;
  }

  /** Reads the next frame, waiting at most {@code timeoutMillis}; {@code null} at end of stream. */
  Frame read(int timeoutMillis) throws IOException {
    socket.setSoTimeout(timeoutMillis);
    int length;
    try {
      length = in.readInt();
    } catch (EOFException e) {
      return null;
    }
    byte[] f = new byte[length];
    in.readFully(f);
    int id = ((f[2] & 0xff) << 24) | ((f[3] & 0xff) << 16) | ((f[4] & 0xff) << 8) | (f[5] & 0xff);
    byte[] payload = new byte[length - Wire.FRAME_HEADER_LENGTH];
    System.arraycopy(f, Wire.FRAME_HEADER_LENGTH, payload, 0, payload.length);
    return new Frame(f[0] & 0xff, f[1] & 0xff, id, payload);
  }

  /** Reads frames until a GOAWAY, which it returns; {@code null} if the stream ends (or resets) first. */
  Frame awaitGoAway(int timeoutMillis) throws IOException {
    long end = System.nanoTime() + timeoutMillis * 1_000_000L;
    while (true) {
      int left = (int) Math.max(1, (end - System.nanoTime()) / 1_000_000L);
      Frame f;
      try {
        f = read(left);
      } catch (SocketTimeoutException e) {
        throw e;
      } catch (IOException reset) {
        return null;
      }
      if (f == null || f.type() == Wire.GOAWAY) {
        return f;
      }
    }
  }

  /** Waits until the server closes the connection: true if it did within {@code timeoutMillis}. */
  boolean awaitClosed(int timeoutMillis) throws IOException {
    long end = System.nanoTime() + timeoutMillis * 1_000_000L;
    byte[] sink = new byte[8192];
    while (true) {
      long left = (end - System.nanoTime()) / 1_000_000L;
      if (left <= 0) {
        return false;
      }
      socket.setSoTimeout((int) left);
      try {
        if (socket.getInputStream().read(sink) < 0) {
          return true;
        }
      } catch (SocketTimeoutException e) {
        return false;
      } catch (IOException reset) {
        return true;
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
