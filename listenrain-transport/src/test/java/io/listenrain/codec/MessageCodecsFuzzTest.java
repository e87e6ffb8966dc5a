package io.listenrain.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.StringValue;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * Fuzzes the message codecs with arbitrary packets: each either yields a message or throws a {@link CodecException},
 * and the packet is released either way. Plain {@code mvn test} replays the committed seeds in
 * {@code MessageCodecsFuzzTestInputs}; run with {@code JAZZER_FUZZ=1} to explore.
 */
class MessageCodecsFuzzTest {
  private static final ProtobufMessageCodec<StringValue> PROTOBUF = ProtobufMessageCodec.of(StringValue.parser());

  @FuzzTest(maxDuration = "60s")
  void messageDecodersSurviveArbitraryPackets(FuzzedDataProvider data) {
    boolean protobuf = data.consumeBoolean();
    byte[] bytes = data.consumeRemainingAsBytes();
    ByteBuf packet = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
    try {
      if (protobuf) {
        Envelope<StringValue> m = PROTOBUF.decode(packet);
        assertThat(bytes.length).isGreaterThanOrEqualTo(ProtobufMessageCodec.HEADER_LENGTH);
        assertThat(m.body()).isNotNull();
      } else {
        BytesMessage m = RawBytesMessageCodec.instance().decode(packet);
        try {
          assertThat(m.payload().readableBytes()).isEqualTo(bytes.length - RawBytesMessageCodec.HEADER_LENGTH);
        } finally {
          m.release();
        }
      }
    } catch (CodecException expected) {
      // A typed rejection of hostile input is the correct outcome.
    }
    assertThat(packet.refCnt()).isZero();
  }
}
