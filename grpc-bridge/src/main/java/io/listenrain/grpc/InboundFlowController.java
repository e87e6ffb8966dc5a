package io.listenrain.grpc;

/**
 * This end's receive windows. DATA uses up the stream's and the connection's window. Stream credit goes back to the
 * peer (WINDOW frames) only as the application consumes the bytes, reported by the deframer's {@code bytesRead}, once
 * half a window has been consumed: that bounds what each stream buffers. Connection credit goes back as bytes arrive
 * (as okhttp does), so one stream whose reader stalls cannot block the others. I/O thread only.
 */
final class InboundFlowController {
  /** Sends a WINDOW frame; stream 0 is the connection. */
  interface WindowSender {
    void sendWindow(int streamId, int increment);
  }

  /** One stream's receive window. */
  static final class StreamFlow {
    private int window;
    private int unacked;
    private boolean done;
  }

  private final int streamWindowSize;
  private final int connectionWindowSize;
  private final WindowSender sender;
  private int connectionWindow;
  private int connectionUnacked;

  InboundFlowController(int streamWindowSize, int connectionWindowSize, WindowSender sender) {
    this.streamWindowSize = streamWindowSize;
    this.connectionWindowSize = connectionWindowSize;
    this.connectionWindow = connectionWindowSize;
    this.sender = sender;
  }

  /** What the peer may still send on the connection before credit comes back. */
  int connectionWindow() {
    return connectionWindow;
  }

  StreamFlow newStream() {
    StreamFlow s = new StreamFlow();
    s.window = streamWindowSize;
    return s;
  }

  /**
   * DATA of {@code n} bytes arrived on a live stream.
   *
   * @throws GrpcProtocolException if the peer overran a window
   */
  void received(StreamFlow s, int n) {
    if (n > s.window) {
      throw new GrpcProtocolException("peer overran the stream window: " + n + " > " + s.window);
    }
    takeConnection(n);
    returnToConnection(n);
    s.window -= n;
  }

  /** DATA of {@code n} bytes arrived for a stream that is gone: the bytes count against, then return to, the connection. */
  void receivedForClosedStream(int n) {
    takeConnection(n);
    returnToConnection(n);
  }

  private void takeConnection(int n) {
    if (n > connectionWindow) {
      throw new GrpcProtocolException("peer overran the connection window: " + n + " > " + connectionWindow);
    }
    connectionWindow -= n;
  }

  /** The application consumed {@code n} bytes of stream {@code id}: stream credit only. */
  void bytesRead(int id, StreamFlow s, int n) {
    if (s.done || n <= 0) {
      return;
    }
    s.unacked += n;
    if (s.unacked >= streamWindowSize / 2) {
      int inc = s.unacked;
      s.unacked = 0;
      s.window += inc;
      sender.sendWindow(id, inc);
    }
    // Connection credit for these bytes went back when they arrived (received): returning it again here would grow
    // the connection window by every byte read, until it overflowed.
  }

  /** The stream is gone: later {@link #bytesRead} calls for it are ignored. Idempotent. */
  void streamDone(StreamFlow s) {
    s.done = true;
  }

  private void returnToConnection(int n) {
    if (n <= 0) {
      return;
    }
    connectionUnacked += n;
    if (connectionUnacked >= connectionWindowSize / 2) {
      int inc = connectionUnacked;
      connectionUnacked = 0;
      connectionWindow += inc;
      sender.sendWindow(0, inc);
    }
  }
}
