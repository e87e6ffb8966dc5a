package io.listenrain.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Exact bytes, limits, and decoding the same stream whole, byte by byte and split at random places. */
class LengthPrefixedPacketCodecTest {
  private static final PooledByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

  private static byte[] encode(PacketCodec codec, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuf p = ALLOC.buffer(payload.length).writeBytes(payload);
    codec.encode(p, ALLOC, b -> {
      try {
        out.writeBytes(ByteBufUtil.getBytes(b));
      } finally {
        b.release();
      }
    });
    return out.toByteArray();
  }

  private static byte[] hex(String s) {
    return ByteBufUtil.decodeHexDump(s.replace(" ", ""));
  }

  /** Feeds {@code wire} in pieces ending at {@code cuts} through a cumulation, as a Connection does. */
  private static List<byte[]> decodeInPieces(PacketCodec codec, byte[] wire, int[] cuts) {
    List<byte[]> packets = new ArrayList<>();
    ByteBuf cumulation = ALLOC.buffer();
    try {
      int from = 0;
      for (int i = 0; i <= cuts.length; i++) {
        int to = i < cuts.length ? cuts[i] : wire.length;
        cumulation.writeBytes(wire, from, to - from);
        from = to;
        ByteBuf packet;
        while ((packet = codec.decode(cumulation)) != null) {
          try {
            packets.add(ByteBufUtil.getBytes(packet));
          } finally {
            packet.release();
          }
        }
        cumulation.discardReadBytes();
      }
      assertThat(cumulation.readableBytes()).as("bytes left over").isZero();
    } finally {
      cumulation.release();
    }
    return packets;
  }

  @Test
  void encodesALengthPrefixBigEndianThenThePayload() {
    assertThat(encode(LengthPrefixedPacketCodec.defaultCodec(), "abc".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo(hex("00 00 00 03 61 62 63"));
    assertThat(encode(LengthPrefixedPacketCodec.defaultCodec(), new byte[300])).startsWith(hex("00 00 01 2c"));
  }

  @Test
  void anEmptyPacketIsFourZeroBytes() {
    assertThat(encode(LengthPrefixedPacketCodec.defaultCodec(), new byte[0])).isEqualTo(hex("00 00 00 00"));
    List<byte[]> decoded = decodeInPieces(LengthPrefixedPacketCodec.defaultCodec(), hex("00000000 00000000"),
        new int[0]);
    assertThat(decoded).hasSize(2).allSatisfy(p -> assertThat(p).isEmpty());
  }

  @Test
  void decodesExactBytesAndMovesTheReaderIndexPastThePacket() {
    ByteBuf in = Unpooled.wrappedBuffer(hex("00 00 00 03 61 62 63 00 00"));
    ByteBuf packet = LengthPrefixedPacketCodec.defaultCodec().decode(in);
    try {
      assertThat(packet.toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
      assertThat(in.readerIndex()).isEqualTo(7);
      assertThat(LengthPrefixedPacketCodec.defaultCodec().decode(in)).as("a partial header").isNull();
      assertThat(in.readerIndex()).isEqualTo(7);
    } finally {
      packet.release();
    }
  }

  @Test
  void anIncompleteBodyLeavesTheReaderIndexAlone() {
    ByteBuf in = Unpooled.wrappedBuffer(hex("00 00 00 05 61 62"));
    assertThat(LengthPrefixedPacketCodec.defaultCodec().decode(in)).isNull();
    assertThat(in.readerIndex()).isZero();
  }

  @Test
  void aPayloadOfExactlyTheMaximumPassesAndOneMoreIsRejected() {
    LengthPrefixedPacketCodec codec = new LengthPrefixedPacketCodec(10);
    List<byte[]> ok = decodeInPieces(codec, encode(codec, new byte[10]), new int[0]);
    assertThat(ok).hasSize(1);
    assertThat(ok.get(0)).hasSize(10);

    ByteBuf tooBig = ALLOC.buffer(11).writeZero(11);
    assertThatThrownBy(() -> codec.encode(tooBig, ALLOC, ByteBuf::release))
        .isInstanceOfSatisfying(FrameTooLargeException.class, e -> {
          assertThat(e.declaredLength()).isEqualTo(11);
          assertThat(e.maxLength()).isEqualTo(10);
        });
    assertThat(tooBig.refCnt()).as("encode released the rejected payload").isZero();

    ByteBuf header = Unpooled.wrappedBuffer(hex("00 00 00 0b"));
    assertThatThrownBy(() -> codec.decode(header)).isInstanceOf(FrameTooLargeException.class);
  }

  @Test
  void hugeDeclaredLengthsAreRejectedFromTheHeaderAlone() {
    PacketCodec codec = LengthPrefixedPacketCodec.defaultCodec();
    assertThatThrownBy(() -> codec.decode(Unpooled.wrappedBuffer(hex("ff ff ff ff"))))
        .isInstanceOfSatisfying(FrameTooLargeException.class,
            e -> assertThat(e.declaredLength()).isEqualTo(0xFFFFFFFFL));
    assertThatThrownBy(() -> codec.decode(Unpooled.wrappedBuffer(hex("7f ff ff ff"))))
        .isInstanceOfSatisfying(FrameTooLargeException.class,
            e -> assertThat(e.declaredLength()).isEqualTo(0x7FFFFFFFL));
    assertThatThrownBy(() -> codec.decode(Unpooled.wrappedBuffer(hex("01 00 00 01"))))
        .isInstanceOf(FrameTooLargeException.class);
  }

  @Test
  void inconsistentMaximumsAreRejected() {
    assertThatThrownBy(() -> new LengthPrefixedPacketCodec(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LengthPrefixedPacketCodec(Integer.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(LengthPrefixedPacketCodec.defaultCodec().maxPayloadLength()).isEqualTo(16 * 1024 * 1024);
  }

  private static byte[][] samplePackets(long seed) {
    Random r = new Random(seed);
    byte[][] packets = new byte[40][];
    for (int i = 0; i < packets.length; i++) {
      int size = i % 7 == 0 ? 0 : r.nextInt(i % 5 == 0 ? 5000 : 40);
      packets[i] = new byte[size];
      r.nextBytes(packets[i]);
    }
    return packets;
  }

  private static byte[] wire(PacketCodec codec, byte[][] packets) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : packets) {
      out.writeBytes(encode(codec, p));
    }
    return out.toByteArray();
  }

  private static void assertSamePackets(List<byte[]> decoded, byte[][] expected, String context) {
    assertThat(decoded).as(context).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(decoded.get(i)).as(context + ", packet " + i).isEqualTo(expected[i]);
    }
  }

  @Test
  void decodesTheSameWholeAndInOneByteChunks() {
    PacketCodec codec = LengthPrefixedPacketCodec.defaultCodec();
    byte[][] packets = samplePackets(7);
    byte[] wire = wire(codec, packets);
    assertSamePackets(decodeInPieces(codec, wire, new int[0]), packets, "whole");
    int[] everyByte = new int[wire.length - 1];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = i + 1;
    }
    assertSamePackets(decodeInPieces(codec, wire, everyByte), packets, "one-byte chunks");
  }

  @Test
  void decodesTheSameWhenSplitAtAThousandRandomPlaces() {
    PacketCodec codec = LengthPrefixedPacketCodec.defaultCodec();
    long seed = Long.getLong("listenrain.test.seed", System.nanoTime());
    Random r = new Random(seed);
    byte[][] packets = samplePackets(seed);
    byte[] wire = wire(codec, packets);
    for (int run = 0; run < 1000; run++) {
      int[] cuts = r.ints(r.nextInt(20), 0, wire.length + 1).sorted().toArray();
      assertSamePackets(decodeInPieces(codec, wire, cuts), packets,
          "seed " + seed + " run " + run + " (rerun with -Dlistenrain.test.seed=" + seed + ")");
    }
  }
}
