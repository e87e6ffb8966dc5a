package io.listenrain.codec;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Protocol-buffer messages with a msgID. Needs {@code com.google.protobuf:protobuf-java} on the classpath (an optional
 * dependency of this library).
 *
 * <pre>
 * +-----------------------------------+-----------------------------------------+
 * | msgId (int64, big-endian, 8 bytes) | protobuf encoding of the body (rest)    |
 * +-----------------------------------+-----------------------------------------+
 * </pre>
 *
 * Encoding writes straight into one pooled buffer sized from {@link MessageLite#getSerializedSize()}; decoding parses
 * from the packet's memory without copying it to a byte array first.
 *
 * @param <B> the protobuf body type
 */
public final class ProtobufMessageCodec<B extends MessageLite> implements MessageCodec<Envelope<B>> {
  /** Size of the msgID header. */
  public static final int HEADER_LENGTH = 8;

  private final Parser<B> parser;

  private ProtobufMessageCodec(Parser<B> parser) {
    this.parser = parser;
  }

  /** A codec for bodies parsed by {@code parser}, for example {@code MyMessage.parser()}. */
  public static <B extends MessageLite> ProtobufMessageCodec<B> of(Parser<B> parser) {
    if (parser == null) {
      throw new NullPointerException("parser");
    }
    return new ProtobufMessageCodec<>(parser);
  }

  @Override
  public ByteBuf encode(Envelope<B> message, ByteBufAllocator alloc) {
    B body = message.body();
    int size = body.getSerializedSize();
    ByteBuf out = alloc.ioBuffer(HEADER_LENGTH + size);
    try {
      out.writeLong(message.msgId());
      if (size > 0) {
        ByteBuffer nio = out.nioBuffer(out.writerIndex(), size);
        CodedOutputStream cos = CodedOutputStream.newInstance(nio);
        body.writeTo(cos);
        cos.flush();
        out.writerIndex(out.writerIndex() + size);
      }
      return out;
    } catch (IOException | RuntimeException e) {
      out.release();
      throw new CodecException("cannot encode " + body.getClass().getName() + ": " + e, e);
    }
  }

  @Override
  public Envelope<B> decode(ByteBuf packet) {
    try {
      if (packet.readableBytes() < HEADER_LENGTH) {
        throw new MsgIdException("protobuf message of " + packet.readableBytes()
            + " bytes, shorter than its 8-byte msgId header");
      }
      long msgId = packet.getLong(packet.readerIndex());
      int bodyLength = packet.readableBytes() - HEADER_LENGTH;
      B body;
      if (packet.nioBufferCount() == 1) {
        body = parser.parseFrom(packet.nioBuffer(packet.readerIndex() + HEADER_LENGTH, bodyLength));
      } else {
        byte[] bytes = new byte[bodyLength];
        packet.getBytes(packet.readerIndex() + HEADER_LENGTH, bytes);
        body = parser.parseFrom(bytes);
      }
      return Envelope.of(msgId, body);
    } catch (InvalidProtocolBufferException e) {
      throw new CodecException("invalid protobuf body: " + e.getMessage(), e);
    } finally {
      packet.release();
    }
  }

  @Override
  public long msgId(Envelope<B> message) {
    return message.msgId();
  }

  @Override
  public String toString() {
    return "ProtobufMessageCodec";
  }
}
