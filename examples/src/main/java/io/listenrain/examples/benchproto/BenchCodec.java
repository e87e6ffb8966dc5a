package io.listenrain.examples.benchproto;

import io.listenrain.codec.BytesMessage;
import io.listenrain.codec.CorruptedFrameException;
import io.listenrain.codec.MessageCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * The message format of the original Go framework's benchmark (example/benchmark), byte for byte. Framed by the
 * default 4-byte big-endian length prefix ({@link io.listenrain.codec.LengthPrefixedPacketCodec}), a packet is:
 *
 * <pre>
 * +--------------------------------------------------+----------------------+
 * | msgId: 36 ASCII bytes, decimal, right-aligned,    | payload (rest)       |
 * |        padded on the left with spaces (' ')       |                      |
 * +--------------------------------------------------+----------------------+
 * </pre>
 *
 * The original formats its id with Go's {@code fmt} into a fixed 36-byte field; we write it as {@code %36d} would
 * (spaces on the left), and on decode accept leading spaces or zeros, so either padding of a peer decodes. msgIds
 * are non-negative. Encoding writes a 36-byte header in front of a retained slice of the payload (no copy); decoding
 * returns the payload as a slice of the packet.
 */
public final class BenchCodec implements MessageCodec<BytesMessage> {
  /** Width of the msgId field. */
  public static final int MSG_ID_LENGTH = 36;

  private static final BenchCodec INSTANCE = new BenchCodec();

  private BenchCodec() {}

  public static BenchCodec instance() {
    return INSTANCE;
  }

  @Override
  public ByteBuf encode(BytesMessage message, ByteBufAllocator alloc) {
    long id = message.msgId();
    if (id < 0) {
      throw new IllegalArgumentException("benchmark msgIds are non-negative: " + id);
    }
    ByteBuf header = alloc.ioBuffer(MSG_ID_LENGTH, MSG_ID_LENGTH);
    int digits = digits(id);
    for (int i = 0; i < MSG_ID_LENGTH - digits; i++) {
      header.writeByte(' ');
    }
    int end = header.writerIndex() + digits;
    header.writerIndex(end);
    long v = id;
    for (int i = end - 1; i >= end - digits; i--) {
      header.setByte(i, '0' + (int) (v % 10));
      v /= 10;
    }
    ByteBuf payload = message.payload();
    if (!payload.isReadable()) {
      return header;
    }
    CompositeByteBuf out = alloc.compositeDirectBuffer(2);
    out.addComponent(true, header);
    out.addComponent(true, payload.retainedSlice());
    return out;
  }

  private static int digits(long v) {
    int n = 1;
    while (v >= 10) {
      v /= 10;
      n++;
    }
    return n;
  }

  @Override
  public BytesMessage decode(ByteBuf packet) {
    try {
      if (packet.readableBytes() < MSG_ID_LENGTH) {
        throw new CorruptedFrameException("benchmark packet of " + packet.readableBytes()
            + " bytes, shorter than its 36-byte msgId");
      }
      int start = packet.readerIndex();
      long id = 0;
      boolean digitSeen = false;
      for (int i = 0; i < MSG_ID_LENGTH; i++) {
        byte b = packet.getByte(start + i);
        if (b == ' ' && !digitSeen) {
          continue;
        }
        if (b < '0' || b > '9') {
          throw new CorruptedFrameException("benchmark msgId is not right-aligned decimal ASCII");
        }
        digitSeen = true;
        if (id > (Long.MAX_VALUE - (b - '0')) / 10) {
          throw new CorruptedFrameException("benchmark msgId overflows a long");
        }
        id = id * 10 + (b - '0');
      }
      if (!digitSeen) {
        throw new CorruptedFrameException("benchmark msgId field is blank");
      }
      packet.skipBytes(MSG_ID_LENGTH);
      return new BytesMessage(id, packet);
    } catch (RuntimeException e) {
      packet.release();
      throw e;
    }
  }

  @Override
  public long msgId(BytesMessage message) {
    return message.msgId();
  }

  @Override
  public String toString() {
    return "BenchCodec";
  }
}
