package io.listenrain.grpc;

/**
 * A connection did not complete its handshake (the 8-byte preface and the first SETTINGS frame) within the server's
 * {@code handshakeTimeout}: the server closes it without a reply. Seen as the close cause of that connection.
 */
final class HandshakeTimeoutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  HandshakeTimeoutException(String message) {
    super(message);
  }
}
