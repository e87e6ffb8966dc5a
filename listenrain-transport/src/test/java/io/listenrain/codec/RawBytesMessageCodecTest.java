package io.listenrain.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RawBytesMessageCodecTest {
  private final RawBytesMessageCodec codec = RawBytesMessageCodec.instance();

  @Test
  void encodesABigEndianMsgIdThenThePayload() {
    BytesMessage m = new BytesMessage(0x0102030405060708L, Unpooled.copiedBuffer("hi", StandardCharsets.US_ASCII));
    ByteBuf wire = codec.encode(m, PooledByteBufAllocator.DEFAULT);
    try {
      assertThat(ByteBufUtil.hexDump(wire)).isEqualTo("0102030405060708" + "6869");
      assertThat(m.payload().readerIndex()).as("payload reader index untouched").isZero();
    } finally {
      wire.release();
      m.release();
    }
    assertThat(m.refCnt()).isZero();
  }

  @Test
  void decodesWithoutCopyingThePayload() {
    ByteBuf packet = Unpooled.buffer().writeLong(-2).writeBytes(new byte[] {9, 8, 7});
    BytesMessage m = codec.decode(packet);
    try {
      assertThat(m.msgId()).isEqualTo(-2);
      assertThat(ByteBufUtil.getBytes(m.payload())).containsExactly(9, 8, 7);
      packet.setByte(8, 42);
      assertThat(m.payload().getByte(m.payload().readerIndex())).as("shares memory").isEqualTo((byte) 42);
    } finally {
      m.release();
    }
    assertThat(packet.refCnt()).isZero();
  }

  @Test
  void emptyPayloadRoundTrips() {
    ByteBuf wire = codec.encode(new BytesMessage(5, Unpooled.EMPTY_BUFFER), PooledByteBufAllocator.DEFAULT);
    assertThat(wire.readableBytes()).isEqualTo(8);
    BytesMessage m = codec.decode(wire);
    try {
      assertThat(m.msgId()).isEqualTo(5);
      assertThat(m.payload().isReadable()).isFalse();
    } finally {
      m.release();
    }
  }

  @Test
  void packetShorterThanTheHeaderIsCorruptAndReleased() {
    ByteBuf packet = Unpooled.buffer().writeInt(1);
    assertThatThrownBy(() -> codec.decode(packet)).isInstanceOf(io.listenrain.codec.MsgIdException.class);
    assertThat(packet.refCnt()).isZero();
  }
}
