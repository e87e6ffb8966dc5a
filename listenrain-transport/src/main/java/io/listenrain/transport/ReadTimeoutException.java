package io.listenrain.transport;

/**
 * A client connection read nothing for its protocol's read timeout while calls were waiting on it (a peer that went
 * silent, or a network that blackholes without a FIN or RST). The connection is aborted with this as the cause; its
 * calls fail with a {@link ConnectionClosedException} carrying it, and the next call dials a new connection.
 */
public class ReadTimeoutException extends TransportException {
  private static final long serialVersionUID = 1L;

  public ReadTimeoutException(String message) {
    super(message);
  }
}
