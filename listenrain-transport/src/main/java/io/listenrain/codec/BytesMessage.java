package io.listenrain.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * A message of raw bytes with its msgID: the message type of {@link RawBytesMessageCodec} (a {@code long} id) and of
 * codecs with opaque ids (a {@link MsgId}). Reference-counted through its payload: whoever holds a
 * {@code BytesMessage} releases it once (decoding is zero-copy, so the payload is a slice of the received packet).
 */
public final class BytesMessage extends DefaultByteBufHolder {
  private final long msgId;
  /** The opaque id, or null when the message was built with a long id. */
  private final MsgId opaqueMsgId;

  /** A message with a {@code long} msgID. Takes ownership of {@code payload}. */
  public BytesMessage(long msgId, ByteBuf payload) {
    super(payload);
    this.msgId = msgId;
    this.opaqueMsgId = null;
  }

  /** A message with an opaque msgID, for codecs with {@link MessageCodec.MsgIdKind#OPAQUE} ids. Takes ownership of
   * {@code payload}. */
  public BytesMessage(MsgId msgId, ByteBuf payload) {
    super(payload);
    this.msgId = 0;
    this.opaqueMsgId = java.util.Objects.requireNonNull(msgId, "msgId");
  }

  /** The long msgID (0 for a message built with an opaque id). */
  public long msgId() {
    return msgId;
  }

  /** The opaque msgID, or null for a message built with a long id. */
  public MsgId opaqueMsgId() {
    return opaqueMsgId;
  }

  /** The payload bytes (the same buffer as {@link #content()}); its reader index is not moved by codecs. */
  public ByteBuf payload() {
    return content();
  }

  @Override
  public BytesMessage replace(ByteBuf content) {
    return opaqueMsgId != null ? new BytesMessage(opaqueMsgId, content) : new BytesMessage(msgId, content);
  }

  @Override
  public BytesMessage copy() {
    return replace(content().copy());
  }

  @Override
  public BytesMessage duplicate() {
    return replace(content().duplicate());
  }

  @Override
  public BytesMessage retainedDuplicate() {
    return replace(content().retainedDuplicate());
  }

  @Override
  public BytesMessage retain() {
    super.retain();
    return this;
  }

  @Override
  public BytesMessage retain(int increment) {
    super.retain(increment);
    return this;
  }

  @Override
  public BytesMessage touch() {
    super.touch();
    return this;
  }

  @Override
  public BytesMessage touch(Object hint) {
    super.touch(hint);
    return this;
  }

  @Override
  public String toString() {
    return "BytesMessage(msgId=" + (opaqueMsgId != null ? opaqueMsgId : String.valueOf(msgId)) + ", " + content().readableBytes() + " bytes)";
  }
}
