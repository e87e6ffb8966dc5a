package io.listenrain.grpc;

/**
 * What the gRPC transports tell about themselves, for {@link ListenRainMetrics}. Called on a connection's I/O thread;
 * an implementation must be cheap and must not block. {@link #NONE} by default.
 */
interface TransportMetrics {
  TransportMetrics NONE = new TransportMetrics() {};

  /** A connection finished its handshake ({@code server}: accepted by a server). */
  default void connectionOpened(boolean server) {}

  /** A connection that had opened closed, for any reason. */
  default void connectionClosed(boolean server) {}

  /** A call's stream started on a connection. */
  default void streamStarted(boolean server) {}

  /** The client received GOAWAY with {@code errorCode}. */
  default void goAwayReceived(int errorCode) {}
}
