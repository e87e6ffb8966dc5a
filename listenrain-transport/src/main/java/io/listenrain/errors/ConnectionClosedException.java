package io.listenrain.errors;

/** The connection closed (or was never established); calls in flight on it fail with this at once. */
public class ConnectionClosedException extends TransportException {
  private static final long serialVersionUID = 1L;

  public ConnectionClosedException(String message) {
    super(message);
  }

  public ConnectionClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
