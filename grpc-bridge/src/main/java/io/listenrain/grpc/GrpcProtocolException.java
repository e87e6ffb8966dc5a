package io.listenrain.grpc;

/**
 * The peer broke the ListenRain gRPC wire protocol (docs/PROTOCOL.md): a bad preface or version, a frame that is too
 * short, too long or inconsistent, or a flow-control violation. The connection that sees it is closed; it is the only
 * exception the frame, settings and metadata decoders throw on bad input.
 */
public final class GrpcProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message naming what was wrong. */
  public GrpcProtocolException(String message) {
    super(message);
  }
}
