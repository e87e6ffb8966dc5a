package io.listenrain.transport;

import io.netty.buffer.ByteBuf;

/**
 * The protocol half of a {@link Connection}: receives decoded packets. A native request/response protocol and the
 * gRPC bridge are both packet handlers over the same connection machinery.
 *
 * <p>Every method runs on the connection's I/O thread, one call at a time, in order; {@link #connectionClosed} comes
 * exactly once and last. Handlers must not block and must not run user code inline: each protocol decides where its
 * user code runs (an executor of its choice).
 *
 * <p>Not user API: public for the native client and server and for grpc-bridge (see the package documentation).
 */
public interface PacketHandler {

  /** A packet arrived. The handler owns {@code packet} and must release it or pass ownership on. */
  void packetReceived(Connection connection, ByteBuf packet);

  /** The current batch of reads has been delivered. The default does nothing. */
  default void readComplete(Connection connection) {}

  /** The connection's channel became writable or stopped being so. The default does nothing. */
  default void writabilityChanged(Connection connection, boolean writable) {}

  /**
   * The connection closed. {@code cause} is {@code null} after an orderly close by either side, else the error:
   * an I/O error, a {@link io.listenrain.codec.CodecException} from the packet decoder, or the cause given to
   * {@link Connection#abort(Throwable)}.
   */
  void connectionClosed(Connection connection, Throwable cause);
}
