package io.listenrain.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * A message of raw bytes with its msgID: the message type of {@link RawBytesMessageCodec}. Reference-counted
 * through its payload: whoever holds a {@code BytesMessage} releases it once (decoding is zero-copy, so the payload
 * is a slice of the received packet).
 */
public final class BytesMessage extends DefaultByteBufHolder {
  private final long msgId;

  /** Takes ownership of {@code payload}. */
  public BytesMessage(long msgId, ByteBuf payload) {
    super(payload);
    this.msgId = msgId;
  }

  public long msgId() {
    return msgId;
  }

  /** The payload bytes (the same buffer as {@link #content()}); its reader index is not moved by codecs. */
  public ByteBuf payload() {
    return content();
  }

  @Override
  public BytesMessage replace(ByteBuf content) {
    return new BytesMessage(msgId, content);
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
    return "BytesMessage(msgId=" + msgId + ", " + content().readableBytes() + " bytes)";
  }
}
