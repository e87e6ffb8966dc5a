package io.listenrain.errors;

/** The transport (or its protocol) was closed by the application: it takes no new calls and dials no more. */
public class TransportClosedException extends ConnectionClosedException {
  private static final long serialVersionUID = 1L;

  public TransportClosedException(String message) {
    super(message);
  }
}
