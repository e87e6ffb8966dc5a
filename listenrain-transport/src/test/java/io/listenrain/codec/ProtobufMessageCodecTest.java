package io.listenrain.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class ProtobufMessageCodecTest {
  private final ProtobufMessageCodec<StringValue> codec = ProtobufMessageCodec.of(StringValue.parser());

  @Test
  void encodesTheMsgIdThenTheProtobufBytes() {
    ByteBuf wire = codec.encode(Envelope.of(258, StringValue.of("ab")), PooledByteBufAllocator.DEFAULT);
    try {
      // field 1, wire type 2 (0x0a), length 2, "ab"
      assertThat(ByteBufUtil.hexDump(wire)).isEqualTo("0000000000000102" + "0a026162");
    } finally {
      wire.release();
    }
  }

  @Test
  void roundTripsThroughADirectPooledBuffer() {
    Envelope<StringValue> in = Envelope.of(Long.MIN_VALUE, StringValue.of("x".repeat(10_000)));
    ByteBuf wire = codec.encode(in, PooledByteBufAllocator.DEFAULT);
    Envelope<StringValue> out = codec.decode(wire);
    assertThat(out).isEqualTo(in);
    assertThat(wire.refCnt()).isZero();
  }

  @Test
  void compositePacketsDecodeToo() {
    ByteBuf wire = codec.encode(Envelope.of(1, StringValue.of("split")), PooledByteBufAllocator.DEFAULT);
    ByteBuf composite = Unpooled.wrappedBuffer(wire.retainedSlice(0, 5), wire.retainedSlice(5,
        wire.readableBytes() - 5));
    wire.release();
    assertThat(codec.decode(composite).body().getValue()).isEqualTo("split");
  }

  @Test
  void garbageBodyIsACodecErrorAndThePacketIsReleased() {
    ByteBuf packet = Unpooled.buffer().writeLong(1).writeBytes(new byte[] {(byte) 0x0a, 0x7f});
    assertThatThrownBy(() -> codec.decode(packet)).isInstanceOf(CodecException.class);
    assertThat(packet.refCnt()).isZero();
  }

  @Test
  void shortPacketIsCorrupt() {
    ByteBuf packet = Unpooled.buffer().writeByte(1);
    assertThatThrownBy(() -> codec.decode(packet)).isInstanceOf(io.listenrain.codec.MsgIdException.class);
    assertThat(packet.refCnt()).isZero();
  }
}
