package io.listenrain.errors;

/**
 * A call was sent with a msgID that another call in flight on the same transport already uses. The new call is
 * rejected at send and the call in flight is not disturbed (the original framework silently let one overwrite the
 * other, and the loser waited forever).
 */
public class MsgIdInUseException extends TransportException {
  private static final long serialVersionUID = 1L;

  private final long msgId;
  private final io.listenrain.codec.MsgId opaqueMsgId;

  public MsgIdInUseException(long msgId) {
    super("msgId " + msgId + " is already in flight on this transport");
    this.msgId = msgId;
    this.opaqueMsgId = null;
  }

  /** For codecs with opaque ids; {@link #msgId()} is then -1. */
  public MsgIdInUseException(io.listenrain.codec.MsgId msgId) {
    super("msgId " + msgId + " is already in flight on this transport");
    this.msgId = -1;
    this.opaqueMsgId = msgId;
  }

  /** The opaque id in use, or null for long ids. */
  public io.listenrain.codec.MsgId opaqueMsgId() {
    return opaqueMsgId;
  }

  public long msgId() {
    return msgId;
  }
}
