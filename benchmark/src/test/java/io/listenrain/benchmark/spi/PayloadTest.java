package io.listenrain.benchmark.spi;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class PayloadTest {

  @Test
  void theSameSizeYieldsTheSameBytes() {
    assertThat(Payload.of(4096).toByteArray()).isEqualTo(Payload.of(4096).toByteArray());
    assertThat(Payload.of(4096).toByteArray()).isNotEqualTo(Payload.of(4097).byteString().substring(0, 4096)
        .toByteArray());
  }

  @Test
  void anExactCopyMatchesInEveryRepresentation() {
    Payload p = Payload.of(300_000);
    byte[] copy = p.toByteArray();
    assertThat(p.matches(ByteString.copyFrom(copy))).isTrue();
    byte[] framed = new byte[copy.length + 8];
    System.arraycopy(copy, 0, framed, 8, copy.length);
    assertThat(p.matches(framed, 8, copy.length)).isTrue();
    ByteBuf buf = Unpooled.wrappedBuffer(framed).skipBytes(8);
    try {
      assertThat(p.matches(buf)).isTrue();
      assertThat(buf.readerIndex()).isEqualTo(8);
    } finally {
      buf.release();
    }
  }

  @Test
  void aWrongSizeDoesNotMatch() {
    Payload p = Payload.of(1024);
    assertThat(p.matches(ByteString.copyFrom(p.toByteArray(), 0, 1023))).isFalse();
    assertThat(p.mismatch(1023)).hasMessageContaining("1023").hasMessageContaining("1024");
  }

  @Test
  void aChangedByteAtTheEdgesOrInTheMiddleDoesNotMatch() {
    Payload p = Payload.of(1 << 20);
    for (int pos : new int[] {0, 63, (1 << 20) - 1, (1 << 20) - 64, (int) ((long) (1 << 20) / (2 * Payload.STRIDES))}) {
      byte[] b = p.toByteArray();
      b[pos] ^= 0x5A;
      assertThat(p.matches(b, 0, b.length)).as("flip at %d", pos).isFalse();
    }
  }

  @Test
  void tinyAndEmptyPayloadsVerify() {
    assertThat(Payload.of(0).matches(ByteString.EMPTY)).isTrue();
    assertThat(Payload.of(3).matches(ByteString.copyFrom(Payload.of(3).toByteArray()))).isTrue();
    byte[] b = Payload.of(3).toByteArray();
    b[1] ^= 1;
    assertThat(Payload.of(3).matches(b, 0, 3)).isFalse();
  }

  @Test
  void theDirectBufferSurvivesReleasesOfItsDuplicates() {
    Payload p = Payload.of(2048);
    ByteBuf d = p.directBuffer().duplicate();
    d.release();
    assertThat(p.matches(p.directBuffer().duplicate())).isTrue();
    assertThat(p.directBuffer().isDirect()).isTrue();
  }
}
