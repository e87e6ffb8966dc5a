package io.listenrain.codec;

import java.util.Objects;

/**
 * A message body with its msgID: the message type of codecs whose body type carries no msgID of its own, such as
 * {@link ProtobufMessageCodec}. Immutable.
 *
 * @param <B> the body type
 */
public final class Envelope<B> {
  private final long msgId;
  private final B body;

  private Envelope(long msgId, B body) {
    this.msgId = msgId;
    this.body = Objects.requireNonNull(body, "body");
  }

  public static <B> Envelope<B> of(long msgId, B body) {
    return new Envelope<>(msgId, body);
  }

  public long msgId() {
    return msgId;
  }

  public B body() {
    return body;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Envelope)) {
      return false;
    }
    Envelope<?> e = (Envelope<?>) o;
    return msgId == e.msgId && body.equals(e.body);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(msgId) * 31 + body.hashCode();
  }

  @Override
  public String toString() {
    return "Envelope(msgId=" + msgId + ", " + body + ")";
  }
}
