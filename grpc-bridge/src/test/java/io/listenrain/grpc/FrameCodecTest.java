package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.listenrain.codec.LengthPrefixedPacketCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Pins the exact bytes of every frame type, and decodes them back, whole and split anywhere. */
class FrameCodecTest {
  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  private static String hex(ByteBuf b) {
    try {
      return ByteBufUtil.hexDump(b);
    } finally {
      b.release();
    }
  }

  private static byte[][] md(String... kv) {
    byte[][] out = new byte[kv.length][];
    for (int i = 0; i < kv.length; i++) {
      out[i] = kv[i].getBytes(StandardCharsets.ISO_8859_1);
    }
    return out;
  }

  @Test
  void prefaceIsLrgrpcNulVersion() {
    assertThat(ByteBufUtil.hexDump(Wire.PREFACE)).isEqualTo("4c5247525043" + "00" + "01");
    // Read as a native ListenRain 4-byte length, the preface declares more than 1 GiB.
    assertThat(Unpooled.wrappedBuffer(Wire.PREFACE).getUnsignedInt(0)).isGreaterThan(1L << 30);
  }

  @Test
  void settingsBytes() {
    Settings s = new Settings(65536, 1048576, 2097152, 100, 8192);
    assertThat(hex(FrameWriter.settings(ALLOC, s))).isEqualTo(
        "00" + "00" + "00000000"
            + "0001" + "00000001"
            + "0002" + "00010000"
            + "0003" + "00100000"
            + "0004" + "00200000"
            + "0005" + "00000064"
            + "0006" + "00002000");
    assertThat(hex(FrameWriter.settingsAck(ALLOC))).isEqualTo("00" + "01" + "00000000");
  }

  @Test
  void requestHeadersBytes() {
    assertThat(hex(FrameWriter.requestHeaders(ALLOC, 3, "s/M", "h", md("a", "b", "a", "c")))).isEqualTo(
        "01" + "00" + "00000003"
            + "0003" + "732f4d"
            + "0001" + "68"
            + "00000002"
            + "00000001" + "61" + "00000001" + "62"
            + "00000001" + "61" + "00000001" + "63");
  }

  @Test
  void responseHeadersBytes() {
    assertThat(hex(FrameWriter.responseHeaders(ALLOC, 5, md("k-bin", "\u0000\u00ff")))).isEqualTo(
        "01" + "00" + "00000005" + "00000001" + "00000005" + "6b2d62696e" + "00000002" + "00ff");
  }

  @Test
  void dataBytes() {
    assertThat(hex(FrameWriter.data(ALLOC, 7, false, Unpooled.wrappedBuffer(new byte[] {1, 2, 3}))))
        .isEqualTo("02" + "00" + "00000007" + "010203");
    assertThat(hex(FrameWriter.data(ALLOC, 7, true, Unpooled.EMPTY_BUFFER)))
        .isEqualTo("02" + "01" + "00000007");
  }

  /** The framer's buffers keep room in front: the header and the packet length go there, and one buffer leaves. */
  @Test
  void dataWithHeadroomIsFramedInPlaceAsOneBuffer() {
    ByteBuf payload = ALLOC.buffer(FrameWriter.DATA_HEADROOM + 3);
    payload.setIndex(FrameWriter.DATA_HEADROOM, FrameWriter.DATA_HEADROOM).writeBytes(new byte[] {1, 2, 3});
    ByteBuf frame = FrameWriter.data(ALLOC, 7, true, payload, true);
    assertThat(frame).isSameAs(payload);
    List<ByteBuf> out = new ArrayList<>();
    new FramePacketCodec(1024).encode(frame, ALLOC, out::add);
    assertThat(out).hasSize(1);
    assertThat(hex(out.get(0))).isEqualTo("00000009" + "02" + "01" + "00000007" + "010203");
  }

  /** A buffer whose front still backs a slice in flight is not written into: the frame is a copy. */
  @Test
  void dataSharingItsFrontWithASliceIsNotFramedInPlace() {
    ByteBuf buf = ALLOC.buffer(16).writeBytes(new byte[] {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 1, 2, 3});
    ByteBuf front = buf.readRetainedSlice(10);
    try {
      ByteBuf frame = FrameWriter.data(ALLOC, 7, false, buf, true);
      assertThat(frame).isNotSameAs(buf);
      List<ByteBuf> out = new ArrayList<>();
      new FramePacketCodec(1024).encode(frame, ALLOC, out::add);
      assertThat(out).hasSize(1);
      assertThat(hex(out.get(0))).isEqualTo("00000009" + "02" + "00" + "00000007" + "010203");
      assertThat(ByteBufUtil.hexDump(front)).isEqualTo("09".repeat(10));
    } finally {
      front.release();
    }
  }

  @Test
  void controlFramesLeaveAsOneBufferWithTheirLength() {
    List<ByteBuf> out = new ArrayList<>();
    new FramePacketCodec(1024).encode(FrameWriter.window(ALLOC, 3, 5), ALLOC, out::add);
    assertThat(out).hasSize(1);
    assertThat(hex(out.get(0))).isEqualTo("0000000a" + "05" + "00" + "00000003" + "00000005");
  }

  @Test
  void trailersBytes() {
    assertThat(hex(FrameWriter.trailers(ALLOC, 9, 3, "bad", md("x", "y")))).isEqualTo(
        "03" + "00" + "00000009" + "00000003" + "00000003" + "626164"
            + "00000001" + "00000001" + "78" + "00000001" + "79");
    assertThat(hex(FrameWriter.trailers(ALLOC, 9, 0, null, new byte[0][]))).isEqualTo(
        "03" + "00" + "00000009" + "00000000" + "00000000" + "00000000");
  }

  @Test
  void controlFrameBytes() {
    assertThat(hex(FrameWriter.rst(ALLOC, 1, Wire.CANCEL))).isEqualTo("04" + "00" + "00000001" + "00000008");
    assertThat(hex(FrameWriter.window(ALLOC, 0, 65536))).isEqualTo("05" + "00" + "00000000" + "00010000");
    assertThat(hex(FrameWriter.ping(ALLOC, false, 0x0102030405060708L)))
        .isEqualTo("06" + "00" + "00000000" + "0102030405060708");
    assertThat(hex(FrameWriter.ping(ALLOC, true, 1L))).isEqualTo("06" + "01" + "00000000" + "0000000000000001");
    assertThat(hex(FrameWriter.goAway(ALLOC, 11, Wire.NO_ERROR, "bye")))
        .isEqualTo("07" + "00" + "00000000" + "0000000b" + "00000000" + "627965");
  }

  private static List<Function<ByteBufAllocator, ByteBuf>> sampleFrames() {
    List<Function<ByteBufAllocator, ByteBuf>> frames = new ArrayList<>();
    frames.add(a -> FrameWriter.settings(a, new Settings(65536, 1048576, 1048576, 10, 8192)));
    frames.add(FrameWriter::settingsAck);
    frames.add(a -> FrameWriter.responseHeaders(a, 1, md("a", "1", "a", "2")));
    frames.add(a -> FrameWriter.data(a, 1, false, Unpooled.wrappedBuffer(new byte[] {9, 8, 7})));
    frames.add(a -> FrameWriter.data(a, 1, true, Unpooled.EMPTY_BUFFER));
    frames.add(a -> FrameWriter.trailers(a, 1, 5, "not found", md("t", "v")));
    frames.add(a -> FrameWriter.rst(a, 3, Wire.REFUSED_STREAM));
    frames.add(a -> FrameWriter.window(a, 0, 1000));
    frames.add(a -> FrameWriter.ping(a, true, 42));
    frames.add(a -> FrameWriter.goAway(a, 3, Wire.ENHANCE_YOUR_CALM, "too_many_pings"));
    return frames;
  }

  private static final List<String> SAMPLE_EVENTS = List.of(
      "SETTINGS Settings{version=1, maxFrameSize=65536, initialStreamWindow=1048576, connectionWindow=1048576,"
          + " maxConcurrentStreams=10, maxMetadataSize=8192}",
      "SETTINGS_ACK",
      "HEADERS 1 [a=1, a=2]",
      "DATA 1 090807",
      "DATA 1  END",
      "TRAILERS 1 5 not found [t=v]",
      "RST 3 7",
      "WINDOW 0 1000",
      "PONG 2a",
      "GOAWAY 3 11 too_many_pings");

  /** The frames as they go on the wire: each behind the u32 length the packet codec adds. */
  private static byte[] wire() {
    ByteBuf out = Unpooled.buffer();
    LengthPrefixedPacketCodec codec = new LengthPrefixedPacketCodec(1 << 20);
    for (Function<ByteBufAllocator, ByteBuf> f : sampleFrames()) {
      codec.encode(f.apply(ALLOC), ALLOC, b -> {
        out.writeBytes(b);
        b.release();
      });
    }
    byte[] bytes = ByteBufUtil.getBytes(out);
    out.release();
    return bytes;
  }

  private static List<String> decodeInChunks(byte[] wire, int[] cuts) {
    RecordingFrameListener l = new RecordingFrameListener();
    FrameReader reader = new FrameReader(false, 1 << 16);
    LengthPrefixedPacketCodec codec = new LengthPrefixedPacketCodec(1 << 20);
    ByteBuf cumulation = Unpooled.buffer();
    try {
      int from = 0;
      for (int i = 0; i <= cuts.length; i++) {
        int to = i < cuts.length ? cuts[i] : wire.length;
        cumulation.writeBytes(wire, from, to - from);
        from = to;
        ByteBuf packet;
        while ((packet = codec.decode(cumulation)) != null) {
          try {
            reader.read(packet, l);
          } finally {
            packet.release();
          }
        }
      }
    } finally {
      cumulation.release();
    }
    return l.events;
  }

  @Test
  void decodesEveryFrameTypeWhole() {
    assertThat(decodeInChunks(wire(), new int[0])).containsExactlyElementsOf(SAMPLE_EVENTS);
  }

  @Test
  void decodesOneByteAtATime() {
    byte[] w = wire();
    int[] cuts = new int[w.length - 1];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = i + 1;
    }
    assertThat(decodeInChunks(w, cuts)).containsExactlyElementsOf(SAMPLE_EVENTS);
  }

  @Test
  void decodesAtRandomSplits() {
    byte[] w = wire();
    Random r = new Random(20261125);
    for (int round = 0; round < 50; round++) {
      int n = 1 + r.nextInt(10);
      int[] cuts = r.ints(n, 1, w.length).sorted().distinct().toArray();
      assertThat(decodeInChunks(w, cuts)).containsExactlyElementsOf(SAMPLE_EVENTS);
    }
  }

  @Test
  void serverReaderDecodesRequestHeaders() {
    RecordingFrameListener l = new RecordingFrameListener();
    ByteBuf f = FrameWriter.requestHeaders(ALLOC, 1, "pkg.Svc/Method", "example:443", md("k", "v"));
    try {
      new FrameReader(true, 1 << 16).read(f, l);
    } finally {
      f.release();
    }
    assertThat(l.events).containsExactly("HEADERS 1 pkg.Svc/Method example:443 [k=v]");
  }

  /** 131,000 empty entries (1 MiB): a client reader stops at its 8 KiB limit instead of decoding them all. */
  @Test
  void aClientStopsDecodingResponseMetadataAtItsLimit() {
    byte[][] md = new byte[131_000 * 2][];
    java.util.Arrays.fill(md, new byte[0]);
    RecordingFrameListener l = new RecordingFrameListener();
    FrameReader reader = new FrameReader(false, 1 << 16, 8192);
    ByteBuf headers = FrameWriter.responseHeaders(ALLOC, 1, md);
    ByteBuf trailers = FrameWriter.trailers(ALLOC, 1, 0, "", md);
    try {
      reader.read(headers, l);
      reader.read(trailers, l);
    } finally {
      headers.release();
      trailers.release();
    }
    assertThat(l.events).hasSize(2);
    assertThat(l.events.get(0)).startsWith("HEADERS 1 too large, at least ");
    assertThat(l.events.get(1)).startsWith("TRAILERS 1 too large, at least ");
    long atLeast = Long.parseLong(l.events.get(0).substring("HEADERS 1 too large, at least ".length()));
    assertThat(atLeast).isGreaterThan(8192);
  }

  @Test
  void unknownFrameTypesAndFlagsAreIgnored() {
    RecordingFrameListener l = new RecordingFrameListener();
    FrameReader reader = new FrameReader(false, 1 << 16);
    read(reader, l, "7f" + "ff" + "00000001" + "deadbeef");
    read(reader, l, "05" + "fe" + "00000001" + "00000010");
    assertThat(l.events).containsExactly("WINDOW 1 16");
  }

  private static void read(FrameReader reader, FrameReader.Listener l, String hex) {
    ByteBuf b = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
    try {
      reader.read(b, l);
    } finally {
      b.release();
    }
  }

  @Test
  void malformedFramesAreProtocolErrors() {
    FrameReader reader = new FrameReader(false, 16 * 1024);
    RecordingFrameListener l = new RecordingFrameListener();
    String[] bad = {
        "0000", // shorter than a frame header
        "00" + "00" + "00000001", // SETTINGS on a stream
        "00" + "00" + "00000000" + "0001000000", // SETTINGS not a multiple of 6
        "00" + "00" + "00000000" + "000100000002", // unsupported version
        "00" + "00" + "00000000" + "000100000001" + "000200000010", // max frame size below 16 KiB
        "02" + "00" + "00000000" + "00", // DATA on stream 0
        "04" + "00" + "00000001" + "0000", // RST too short
        "05" + "00" + "00000001" + "00000000", // zero WINDOW increment
        "05" + "00" + "00000001" + "80000000", // WINDOW increment above 2^31-1
        "06" + "00" + "00000000" + "0102", // PING too short
        "07" + "00" + "00000000" + "0000", // GOAWAY too short
        "01" + "00" + "00000001" + "00000001", // metadata count the frame cannot hold
        "01" + "00" + "00000001" + "00000001" + "00000005" + "61", // metadata length beyond the frame
        "01" + "00" + "00000001" + "00000000" + "ff", // trailing bytes after metadata
        "03" + "00" + "00000001" + "00000000" + "00000009" + "41", // TRAILERS message beyond the frame
        "02" + "00" + "80000001", // stream id above 2^31-1
    };
    for (String hex : bad) {
      assertThatThrownBy(() -> read(reader, l, hex)).as(hex).isInstanceOf(GrpcProtocolException.class);
    }
    ByteBuf big = Unpooled.buffer().writeByte(Wire.DATA).writeByte(0).writeInt(1).writeZero(16 * 1024 + 1);
    try {
      assertThatThrownBy(() -> reader.read(big, l)).isInstanceOf(GrpcProtocolException.class);
    } finally {
      big.release();
    }
    assertThat(l.events).isEmpty();
  }

  @Test
  void metadataSizeIsMeasuredLikeHttp2() {
    assertThat(MetadataCodec.size(md("ab", "cde", "f", ""))).isEqualTo(32 + 2 + 3 + 32 + 1);
  }
}
