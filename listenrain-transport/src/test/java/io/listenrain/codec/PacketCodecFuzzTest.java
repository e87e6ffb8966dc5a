package io.listenrain.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * Fuzzes the packet decoder with arbitrary bytes split at arbitrary places: the only exception allowed out is a
 * {@link CodecException}, every decoded packet respects the maximum, and every buffer is released. Plain
 * {@code mvn test} replays the committed seeds in {@code PacketCodecFuzzTestInputs}; run with {@code JAZZER_FUZZ=1}
 * to explore.
 */
class PacketCodecFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void decoderSurvivesArbitraryBytesAndSplits(FuzzedDataProvider data) {
    int max = data.consumeInt(0, 4096);
    LengthPrefixedPacketCodec codec = new LengthPrefixedPacketCodec(max);
    ByteBuf cumulation = PooledByteBufAllocator.DEFAULT.buffer();
    try {
      while (data.remainingBytes() > 0) {
        byte[] chunk = data.consumeBytes(data.consumeInt(0, 64));
        cumulation.writeBytes(chunk);
        ByteBuf packet;
        while ((packet = codec.decode(cumulation)) != null) {
          try {
            assertThat(packet.readableBytes()).isLessThanOrEqualTo(max);
          } finally {
            packet.release();
          }
        }
        cumulation.discardSomeReadBytes();
      }
    } catch (CodecException expected) {
      // A typed rejection of hostile input is the correct outcome.
    } finally {
      cumulation.release();
    }
    // Retained slices share the cumulation's count: zero means every packet was released too.
    assertThat(cumulation.refCnt()).isZero();
  }
}
