package io.listenrain.examples.benchproto;

import io.listenrain.codec.BytesMessage;
import io.listenrain.codec.CodecException;
import io.listenrain.codec.MessageCodec;
import io.listenrain.codec.MsgId;
import io.listenrain.codec.MsgIdException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * The message format of the original Go framework's benchmark (example/benchmark), byte for byte. Framed by the
 * default 4-byte big-endian length prefix ({@link io.listenrain.codec.LengthPrefixedPacketCodec}), a packet is:
 *
 * <pre>
 * +--------------------------------------------------+----------------------+
 * | msgId: 36 bytes, opaque                          | payload (rest)       |
 * +--------------------------------------------------+----------------------+
 * </pre>
 *
 * <p>As in the original, where {@code EnDecMessage} returns the id as a Go {@code string}, the 36 bytes are the msgID:
 * opaque ({@link MessageCodec.MsgIdKind#OPAQUE}), compared byte for byte, never parsed or re-rendered. A UUID, a
 * zero-padded or space-padded decimal, a number of 36 digits, a blank field, non-ASCII bytes: each is a valid id, and
 * an echo server returns it exactly as received. The Go benchmark client happens to send its counter as a
 * right-aligned decimal padded with spaces ({@code %36d}); {@link #decimalId(long)} builds that form, and a
 * {@link BytesMessage} built with a {@code long} id is sent in it.
 *
 * <p>A packet shorter than 36 bytes has no readable id: {@link MsgIdException} (the transport drops that packet and
 * keeps the connection). Encoding an id that is not exactly 36 bytes is a {@link CodecException}. Encoding writes a
 * 36-byte header in front of a retained slice of the payload (no copy); decoding copies the 36 id bytes and returns
 * the payload as a slice of the packet.
 */
public final class BenchCodec implements MessageCodec<BytesMessage> {
  /** Width of the msgId field. */
  public static final int MSG_ID_LENGTH = 36;

  private static final BenchCodec INSTANCE = new BenchCodec();

  private BenchCodec() {}

  public static BenchCodec instance() {
    return INSTANCE;
  }

  /** The 36-byte id the Go benchmark client sends for counter {@code id}: decimal, right-aligned, space-padded. */
  public static MsgId decimalId(long id) {
    if (id < 0) {
      throw new CodecException("benchmark counter ids are non-negative: " + id);
    }
    byte[] field = new byte[MSG_ID_LENGTH];
    java.util.Arrays.fill(field, (byte) ' ');
    long v = id;
    int i = MSG_ID_LENGTH;
    do {
      field[--i] = (byte) ('0' + (int) (v % 10));
      v /= 10;
    } while (v != 0);
    return MsgId.wrap(field);
  }

  /** {@code text} as an id: its UTF-8 bytes, which must be exactly 36 (a UUID string is). */
  public static MsgId id(String text) {
    MsgId id = MsgId.of(text);
    checkLength(id);
    return id;
  }

  private static void checkLength(MsgId id) {
    if (id.length() != MSG_ID_LENGTH) {
      throw new CodecException("benchmark msgIds are " + MSG_ID_LENGTH + " bytes, not " + id.length() + ": " + id);
    }
  }

  @Override
  public MsgIdKind msgIdKind() {
    return MsgIdKind.OPAQUE;
  }

  /** The message's 36-byte id: its opaque id, or for a message built with a long id, {@link #decimalId(long)}. */
  @Override
  public MsgId opaqueMsgId(BytesMessage message) {
    MsgId id = message.opaqueMsgId();
    return id != null ? id : decimalId(message.msgId());
  }

  @Override
  public ByteBuf encode(BytesMessage message, ByteBufAllocator alloc) {
    MsgId id = opaqueMsgId(message);
    checkLength(id);
    ByteBuf header = alloc.ioBuffer(MSG_ID_LENGTH, MSG_ID_LENGTH);
    for (int i = 0; i < MSG_ID_LENGTH; i++) {
      header.writeByte(id.byteAt(i));
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

  @Override
  public BytesMessage decode(ByteBuf packet) {
    if (packet.readableBytes() < MSG_ID_LENGTH) {
      int n = packet.readableBytes();
      packet.release();
      throw new MsgIdException("benchmark packet of " + n + " bytes, shorter than its 36-byte msgId");
    }
    byte[] id = new byte[MSG_ID_LENGTH];
    packet.readBytes(id);
    return new BytesMessage(MsgId.wrap(id), packet);
  }

  @Override
  public String toString() {
    return "BenchCodec";
  }
}
