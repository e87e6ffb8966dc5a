package io.listenrain.errors;

/**
 * A connection read nothing for too long. On a client: nothing for its protocol's read timeout while calls were
 * waiting on it (a peer that went silent, or a network that blackholes without a FIN or RST); the connection is
 * aborted with this as the cause, its calls fail with a {@link ConnectionClosedException} carrying it, and the next
 * call dials a new connection. On a server: an accepted connection that did not deliver its first complete packet
 * within the handshake timeout, or stalled half-way through a packet for the stall timeout (see
 * {@link io.listenrain.config.ProtocolSpec.Builder#serverHandshakeTimeout} and
 * {@link io.listenrain.config.ProtocolSpec.Builder#serverStallTimeout}); the connection is aborted with this as the
 * cause.
 */
public class ReadTimeoutException extends TransportException {
  private static final long serialVersionUID = 1L;

  public ReadTimeoutException(String message) {
    super(message);
  }
}
