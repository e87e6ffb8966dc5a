package io.listenrain.grpc;

/**
 * The peer went past one of the server's abuse budgets ({@link AbusePolicy}): too many resets, empty or tiny DATA
 * frames, or automatic replies it does not read. The server answers GOAWAY with {@link #errorCode()} and closes the
 * connection; the connection's calls fail UNAVAILABLE with this exception as the cause.
 */
final class PeerAbuseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int errorCode;

  PeerAbuseException(int errorCode, String message) {
    super(message);
    this.errorCode = errorCode;
  }

  /** The GOAWAY error code: {@link Wire#ENHANCE_YOUR_CALM} for floods, {@link Wire#PROTOCOL_ERROR} for bad frames. */
  int errorCode() {
    return errorCode;
  }
}
