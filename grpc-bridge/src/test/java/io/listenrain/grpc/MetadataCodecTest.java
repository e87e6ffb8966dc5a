package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The metadata block codec, and its limit checked while decoding (issue #12, finding 2). */
class MetadataCodecTest {
  private static ByteBuf encoded(byte[][] md) {
    ByteBuf b = Unpooled.buffer(MetadataCodec.encodedLength(md));
    MetadataCodec.encode(md, b);
    return b;
  }

  @Test
  void roundTripsNamesAndValuesWithinTheLimit() {
    byte[][] md = {"a".getBytes(StandardCharsets.US_ASCII), "1".getBytes(StandardCharsets.US_ASCII),
        "b-bin".getBytes(StandardCharsets.US_ASCII), new byte[] {0, (byte) 0xff}};
    ByteBuf b = encoded(md);
    try {
      byte[][] out = MetadataCodec.decode(b, b.writerIndex(), MetadataCodec.size(md));
      assertThat(out).isDeepEqualTo(md);
      assertThat(b.isReadable()).isFalse();
    } finally {
      b.release();
    }
  }

  @Test
  void aBlockOf131000EmptyEntriesIsRefusedFromItsCountWithoutDecodingAnEntry() {
    byte[][] md = new byte[131_000 * 2][];
    Arrays.fill(md, new byte[0]);
    ByteBuf b = encoded(md); // ~1 MiB
    try {
      assertThatThrownBy(() -> MetadataCodec.decode(b, b.writerIndex(), 8192))
          .isInstanceOf(MetadataCodec.MetadataTooLargeException.class)
          .hasMessageContaining("131000 entries");
      assertThat(b.readerIndex()).isEqualTo(4); // only the count was read
    } finally {
      b.release();
    }
  }

  @Test
  void decodingStopsAtTheFirstEntryOverTheLimit() {
    byte[][] md = new byte[100 * 2][];
    for (int i = 0; i < md.length; i++) {
      md[i] = new byte[100];
    }
    ByteBuf b = encoded(md); // 100 entries of 232 accounted bytes each: 23,200
    try {
      assertThatThrownBy(() -> MetadataCodec.decode(b, b.writerIndex(), 8192))
          .isInstanceOf(MetadataCodec.MetadataTooLargeException.class);
      // 100 * 32 overhead, then values until the sum passes 8192: 50 lengths read, 49 values decoded.
      assertThat(b.readerIndex()).isLessThan(4 + 51 * 104);
    } finally {
      b.release();
    }
  }
}
