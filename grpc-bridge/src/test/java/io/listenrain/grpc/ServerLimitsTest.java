package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Per-connection limits of the gRPC server against hostile peers (issue #12, findings 2–7), over loopback TCP with
 * {@link HostileClient}: metadata-heavy HEADERS, streams beyond the concurrency limit, deadlines of 1 ns, malformed
 * headers, DATA after END_STREAM. Where a neighbour call or a real client matters, the test checks it is unharmed.
 * The frame handling is the same for every channel kind (the transport sees packets), so TCP stands for the Unix
 * socket too.
 */
class ServerLimitsTest extends HostileServerTestBase {

  /**
   * Request HEADERS carrying {@code entries} empty metadata entries, length prefix included, for stream 1. Built
   * once as bytes: writing 100,000 fields into a leak-tracked buffer per frame would make the test the bottleneck.
   */
  private static byte[] emptyEntriesPacket(int entries) {
    byte[][] md = new byte[entries * 2][];
    java.util.Arrays.fill(md, new byte[0]);
    io.netty.buffer.ByteBuf f = FrameWriter.requestHeaders(HostileClient.ALLOC, 1, ECHO, "localhost", md);
    try {
      byte[] packet = new byte[4 + f.readableBytes()];
      java.nio.ByteBuffer.wrap(packet).putInt(f.readableBytes());
      f.readBytes(packet, 4, f.readableBytes());
      return packet;
    } finally {
      f.release();
    }
  }

  /** Writes {@code packet} (from {@link #emptyEntriesPacket}) as stream {@code streamId}. */
  private static HostileClient emptyEntries(HostileClient c, byte[] packet, int streamId) throws IOException {
    java.nio.ByteBuffer.wrap(packet).putInt(4 + Wire.OFFSET_STREAM_ID, streamId);
    return c.raw(packet);
  }

  /** Reads frames until one for {@code streamId} (or a GOAWAY, or the end); {@code null} at the end. */
  private static HostileClient.Frame next(HostileClient c, int streamId) throws IOException {
    HostileClient.Frame f;
    do {
      f = c.read(10_000);
    } while (f != null && f.streamId() != streamId && f.type() != Wire.GOAWAY);
    return f;
  }

  // ------------------------------------------------------------------------------------- finding 2: metadata

  @Test
  void aHeadersFrameFarAboveTheMetadataLimitIsRefusedFromItsLengthWithGoAway() throws Exception {
    InetSocketAddress a = start(new EchoServiceImpl(), b -> { });
    assertThat(echo("warm").getPayload().toStringUtf8()).isEqualTo("warm");
    HostileClient c = hostile(a, 0).handshake();
    await(() -> transports.size() == 2);
    ListenRainServerTransport victim = transports.get(1);
    HostileClient.Frame goAway = null;
    try {
      emptyEntries(c, emptyEntriesPacket(131_000), 1).flush(); // 1 MiB of HEADERS for an 8 KiB metadata limit
      goAway = c.awaitGoAway(10_000);
    } catch (java.net.SocketException reset) {
      // The server refused the frame from its first bytes and closed while this client was still writing the rest:
      // the kernel answers the unread remainder with RST, which may overtake the GOAWAY. The server side says why.
    }
    if (goAway != null) {
      assertThat(goAway.goAwayCode()).isEqualTo(Wire.PROTOCOL_ERROR);
      assertThat(goAway.goAwayMessage()).contains("HEADERS frame of");
    }
    await(() -> victim.misbehaviour != null);
    assertThat(victim.misbehaviour).hasMessageContaining("HEADERS frame of 1");
    assertThat(echo("still serving").getPayload().toStringUtf8()).isEqualTo("still serving");
  }

  @Test
  void metadataHeavyHeadersInALoopGetEnhanceYourCalmSoonWhileARealClientIsServed() throws Exception {
    InetSocketAddress a = start(new EchoServiceImpl(), b -> { });
    assertThat(echo("warm").getPayload().toStringUtf8()).isEqualTo("warm");
    HostileClient c = hostile(a, 0).handshake();
    await(() -> transports.size() == 2);
    ListenRainServerTransport victim = transports.get(1);

    pool = Executors.newFixedThreadPool(2);
    AtomicBoolean attacking = new AtomicBoolean(true);
    AtomicInteger served = new AtomicInteger();
    java.util.concurrent.atomic.AtomicLong slowestNanos = new java.util.concurrent.atomic.AtomicLong();
    Future<?> canary = pool.submit(() -> {
      do {
        long t = System.nanoTime();
        assertThat(echo("hi").getPayload().toStringUtf8()).isEqualTo("hi");
        slowestNanos.accumulateAndGet(System.nanoTime() - t, Math::max);
        served.incrementAndGet();
      } while (attacking.get());
      return null;
    });
    AtomicReference<HostileClient.Frame> goAway = new AtomicReference<>();
    Future<?> reader = pool.submit(() -> {
      goAway.set(c.awaitGoAway(60_000));
      return null;
    });
    // Frames of 16,000 empty entries (128 KB): under the frame bound, 500 times over the 8 KiB limit by entry count.
    byte[] packet = emptyEntriesPacket(16_000);
    int sent = 0;
    try {
      for (int id = 1; sent < 2_000 && victim.misbehaviour == null && !reader.isDone(); id += 2, sent++) {
        emptyEntries(c, packet, id).flush();
      }
    } catch (IOException reset) {
      // the server closed the connection under our writes
    }
    reader.get(60, TimeUnit.SECONDS);
    attacking.set(false);
    canary.get(20, TimeUnit.SECONDS);

    assertThat(goAway.get()).as("GOAWAY").isNotNull();
    assertThat(goAway.get().goAwayCode()).isEqualTo(Wire.ENHANCE_YOUR_CALM);
    assertThat(goAway.get().goAwayMessage()).contains("too_many_resets");
    // Each refusal weighs 1 + its HEADERS bytes / the 8 KiB limit (16 here): the budget of 1,000 is gone at the
    // 63rd frame, which GOAWAY names as the last stream taken (it took 1,001 frames before).
    int weight = 1 + (packet.length - 4 - Wire.FRAME_HEADER_LENGTH) / io.grpc.internal.GrpcUtil.DEFAULT_MAX_HEADER_LIST_SIZE;
    int processed = (goAway.get().code() + 1) / 2;
    assertThat(processed).isEqualTo(AbusePolicy.DEFAULT_MAX_RST_PER_WINDOW / weight + 1);
    assertThat(served.get()).isPositive();
    // Loose on purpose (a loaded 2-core machine): the issue saw p50 2.7 s and 5 s timeouts for other clients.
    assertThat(TimeUnit.NANOSECONDS.toMillis(slowestNanos.get())).isLessThan(2_000);
    System.out.printf(Locale.ROOT,
        "metadata flood: GOAWAY after %d frames read (weight %d each; %d written) (%s); %d canary"
        + " calls served, slowest %d ms%n", processed, weight, sent, goAway.get().goAwayMessage(), served.get(),
        TimeUnit.NANOSECONDS.toMillis(slowestNanos.get()));
  }

  // ------------------------------------------------------------------------------------- finding 3: streams

  @Test
  void streamsBeyondTheDefaultConcurrencyLimitAreRefusedWithRefusedStream() throws Exception {
    int limit = TransportConfig.DEFAULT_MAX_CONCURRENT_STREAMS;
    InetSocketAddress a = start(new EchoServiceImpl(), b -> { });
    HostileClient c = hostile(a, 0).handshake();
    int extra = 50;
    for (int i = 0, id = 1; i < limit + extra; i++, id += 2) {
      c.headers(id, BIDI); // open, never ended, no deadline
    }
    c.flush();
    List<Integer> refused = new ArrayList<>();
    try {
      while (refused.size() < extra) {
        HostileClient.Frame f = c.read(5_000);
        assertThat(f).as("frame").isNotNull();
        assertThat(f.type()).isNotEqualTo(Wire.GOAWAY);
        if (f.type() == Wire.RST) {
          assertThat(f.code()).isEqualTo(Wire.REFUSED_STREAM);
          refused.add(f.streamId());
        }
      }
    } catch (SocketTimeoutException e) {
      // fewer refusals than expected: asserted below
    }
    assertThat(refused).hasSize(extra);
    assertThat(refused.get(0)).isEqualTo(2 * limit + 1); // the first stream over the limit
  }

  @Test
  void aCallWithoutDeadlineIdlePastTheStreamIdleTimeoutIsResetAndOneWithADeadlineIsLeftToIt() throws Exception {
    InetSocketAddress a = start(new EchoServiceImpl(), b -> b.streamIdleTimeout(300, TimeUnit.MILLISECONDS));
    HostileClient c = hostile(a, 0).handshake();
    c.headers(1, BIDI).headers(3, BIDI, "grpc-timeout", "30S").flush();
    long start = System.nanoTime();
    HostileClient.Frame f;
    do {
      f = c.read(10_000);
    } while (f != null && f.type() != Wire.RST && f.type() != Wire.GOAWAY);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(f).isNotNull();
    assertThat(f.type()).isEqualTo(Wire.RST);
    assertThat(f.streamId()).isEqualTo(1);
    assertThat(f.code()).isEqualTo(Wire.CANCEL);
    assertThat(millis).isGreaterThanOrEqualTo(300);
    // The call with a deadline is still open: it answers.
    c.data(3, echoRequest("deadline"), true).flush();
    do {
      f = next(c, 3);
    } while (f != null && f.type() == Wire.HEADERS);
    assertThat(f).isNotNull();
    assertThat(f.type()).isEqualTo(Wire.DATA);
    assertThat(new String(f.payload(), StandardCharsets.UTF_8)).contains("deadline");
  }

  @Test
  void streamIdleTimeoutIsOffByDefault() {
    assertThat(new TransportConfig().streamIdleTimeoutNanos).isZero();
    assertThat(ListenRainServerBuilder.forPort(0).config().maxConcurrentStreams)
        .isEqualTo(TransportConfig.DEFAULT_MAX_CONCURRENT_STREAMS);
  }

  // ------------------------------------------------------------------------------------- finding 7: stall

  @Test
  void aConnectionStalledMidFrameIsSentAwayAtTheStallTimeoutWhileAnIdleOneStays() throws Exception {
    InetSocketAddress a = start(new EchoServiceImpl(), b -> b.stallTimeout(300, TimeUnit.MILLISECONDS));
    HostileClient idle = hostile(a, 0).handshake();
    HostileClient stalled = hostile(a, 0).handshake();
    // A frame announced at 100 bytes, of which 7 arrive.
    stalled.raw(new byte[] {0, 0, 0, 100, Wire.DATA, 0, 0, 0, 0, 1, 42}).flush();
    long start = System.nanoTime();
    HostileClient.Frame goAway = stalled.awaitGoAway(10_000);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(goAway).as("GOAWAY").isNotNull();
    assertThat(goAway.goAwayCode()).isEqualTo(Wire.ENHANCE_YOUR_CALM);
    assertThat(goAway.goAwayMessage()).contains("stalled");
    assertThat(millis).isGreaterThanOrEqualTo(300);
    assertThat(stalled.awaitClosed(5_000)).isTrue();
    // The idle connection (no partial frame) was not touched and still serves a call.
    idle.headers(1, ECHO).data(1, echoRequest("idle"), true).flush();
    HostileClient.Frame f;
    do {
      f = next(idle, 1);
    } while (f != null && f.type() == Wire.HEADERS);
    assertThat(f).isNotNull();
    assertThat(f.type()).isEqualTo(Wire.DATA);
  }

  @Test
  void theStallTimeoutDefaultsToTheNativeServers() {
    assertThat(ListenRainServerBuilder.forPort(0).config().stallTimeoutNanos)
        .isEqualTo(TimeUnit.SECONDS.toNanos(20));
  }

  // ------------------------------------------------------------------------------------- finding 4: 1 ns deadlines

  @Test
  void requestsWithAOneNanosecondDeadlineCountAgainstTheResetBudget() throws Exception {
    InetSocketAddress a = start(new EchoServiceImpl(), b -> b.maxRstFramesPerWindow(50, 60));
    HostileClient c = hostile(a, 0).handshake();
    pool = Executors.newSingleThreadExecutor();
    Future<HostileClient.Frame> goAway = pool.submit(() -> c.awaitGoAway(20_000));
    try {
      for (int i = 0, id = 1; i < 500 && !goAway.isDone(); i++, id += 2) {
        c.headers(id, ECHO, "grpc-timeout", "1n").flush(); // no DATA: the server resets it at its deadline
      }
    } catch (IOException reset) {
      // closed under our writes
    }
    HostileClient.Frame f = goAway.get(30, TimeUnit.SECONDS);
    assertThat(f).as("GOAWAY").isNotNull();
    assertThat(f.goAwayCode()).isEqualTo(Wire.ENHANCE_YOUR_CALM);
    assertThat(f.goAwayMessage()).contains("too_many_resets");
    assertThat(echo("calm").getPayload().toStringUtf8()).isEqualTo("calm");
  }

  // ------------------------------------------------------------------------------------- finding 5: bad header

  @Test
  void aMalformedGrpcTimeoutFailsOnlyItsCallAndANeighbourCarriesOn() throws Exception {
    InetSocketAddress a = start(new EchoServiceImpl(), b -> { });
    HostileClient c = hostile(a, 0).handshake();
    c.headers(1, BIDI).data(1, echoRequest("first"), false).flush();
    HostileClient.Frame f;
    do {
      f = next(c, 1);
    } while (f != null && f.type() != Wire.DATA);
    assertThat(f).isNotNull();
    int id = 3;
    for (String bad : new String[] {"xyz", "", "123456789012S"}) {
      c.headers(id, ECHO, "grpc-timeout", bad).data(id, echoRequest("x"), true).flush();
      do {
        f = next(c, id);
      } while (f != null && f.type() != Wire.RST && f.type() != Wire.TRAILERS && f.type() != Wire.GOAWAY);
      assertThat(f).as("answer to grpc-timeout '%s'", bad).isNotNull();
      assertThat(f.type()).as("answer to grpc-timeout '%s'", bad).isIn(Wire.RST, Wire.TRAILERS);
      if (f.type() == Wire.RST) {
        assertThat(f.code()).isEqualTo(Wire.INTERNAL_ERROR);
      } else {
        assertThat(f.code()).isEqualTo(io.grpc.Status.Code.INTERNAL.value());
      }
      id += 2;
    }
    // The neighbour is still open and served.
    c.data(1, echoRequest("second"), true).flush();
    f = next(c, 1);
    while (f != null && f.type() == Wire.HEADERS) {
      f = next(c, 1);
    }
    assertThat(f).isNotNull();
    assertThat(f.type()).isEqualTo(Wire.DATA);
    assertThat(new String(f.payload(), StandardCharsets.UTF_8)).contains("second");
  }

  // ------------------------------------------------------------------------------------- finding 6: DATA after end

  @Test
  void dataAfterEndStreamResetsOnlyThatStreamWithStreamClosed() throws Exception {
    InetSocketAddress a = start(new EchoServiceImpl(), b -> { });
    HostileClient c = hostile(a, 0).handshake();
    c.headers(1, BIDI).data(1, echoRequest("neighbour"), false).flush();
    HostileClient.Frame first;
    do {
      first = next(c, 1);
    } while (first != null && first.type() != Wire.DATA);
    assertThat(first).isNotNull();
    // Stream 3 ends its request, then sends more in the same write.
    c.headers(3, BIDI).data(3, echoRequest("a"), true).data(3, echoRequest("b"), false).flush();
    HostileClient.Frame f;
    do {
      f = next(c, 3);
    } while (f != null && f.type() != Wire.RST && f.type() != Wire.GOAWAY);
    assertThat(f).as("RST for stream 3").isNotNull();
    assertThat(f.type()).isEqualTo(Wire.RST);
    assertThat(f.code()).isEqualTo(Wire.STREAM_CLOSED);
    c.data(1, echoRequest("still here"), true).flush();
    do {
      f = next(c, 1);
    } while (f != null && f.type() == Wire.HEADERS);
    assertThat(f).isNotNull();
    assertThat(f.type()).isEqualTo(Wire.DATA);
    assertThat(new String(f.payload(), StandardCharsets.UTF_8)).contains("still here");
  }

  static void await(java.util.function.BooleanSupplier condition) {
    org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).until(condition::getAsBoolean);
  }
}
