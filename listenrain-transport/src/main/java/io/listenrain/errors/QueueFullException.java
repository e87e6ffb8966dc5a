package io.listenrain.errors;

/** The outbound queue is full: the peer or the network is slower than the senders. Back off and try again. */
public class QueueFullException extends TransportException {
  private static final long serialVersionUID = 1L;

  public QueueFullException(int capacity) {
    super("outbound queue full (" + capacity + " packets)");
  }
}
