package io.listenrain.errors;

/** No response arrived within the call's timeout. */
public class CallTimeoutException extends TransportException {
  private static final long serialVersionUID = 1L;

  private final long msgId;

  public CallTimeoutException(long msgId) {
    super("call " + msgId + " timed out");
    this.msgId = msgId;
  }

  public long msgId() {
    return msgId;
  }
}
