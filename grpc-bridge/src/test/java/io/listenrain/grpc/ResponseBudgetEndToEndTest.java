package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.listenrain.channel.ChannelOptions;
import io.listenrain.proto.echo.EchoRequest;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue #12, finding 1: a client that advertises tiny windows, asks for big responses and never reads. The server
 * holds at most twice its response budget (plus one write) for it, refuses its new streams, closes it with
 * GOAWAY(ENHANCE_YOUR_CALM) after the deadline, and gives back every byte; a canary client on another connection is
 * served throughout. Memory is read from the server's own pooled allocator ({@code pinned*Memory}: bytes held by live
 * buffers, not the arena's cached chunks).
 */
class ResponseBudgetEndToEndTest extends HostileServerTestBase {
  private static final int RESPONSE = 1024 * 1024;

  private final PooledByteBufAllocator serverAlloc = new PooledByteBufAllocator(true);

  /** The server with {@code budget} and deadline, on its own allocator; {@code channel} is the canary's. */
  private InetSocketAddress start(long budget, long deadlineMillis) throws Exception {
    return start(new EchoServiceImpl(), b -> b
        .channelOptions(ChannelOptions.defaults().withAllocator(serverAlloc))
        .maxQueuedResponseBytesPerConnection(budget)
        .queuedResponseDeadline(deadlineMillis, TimeUnit.MILLISECONDS));
  }

  private long pinned() {
    return serverAlloc.pinnedDirectMemory() + serverAlloc.pinnedHeapMemory();
  }

  private String canaryEcho(String s) {
    return echo(s).getPayload().toStringUtf8();
  }

  /** Connects a raw client whose windows are 64 bytes (stream and connection) and which never reads. */
  private HostileClient nonReader(InetSocketAddress a) throws Exception {
    HostileClient c = new HostileClient(a, 0);
    clients.add(c);
    TransportConfig tiny = new TransportConfig();
    tiny.flowControlWindow = 64;
    c.raw(Wire.PREFACE).frame(FrameWriter.settings(HostileClient.ALLOC, tiny.localSettings())).flush();
    return c;
  }

  /** {@code calls} unary echo calls asking for 1 MiB each, in one flush (about 60 bytes each on the wire). */
  private static void askForBigResponses(HostileClient c, int firstStreamId, int calls) throws Exception {
    byte[] request = HostileClient.message(EchoRequest.newBuilder().setResponseSize(RESPONSE).build().toByteArray());
    for (int i = 0; i < calls; i++) {
      int id = firstStreamId + 2 * i;
      c.headers(id, ECHO).data(id, request, true);
    }
    c.flush();
  }

  /** Calls the canary in a loop until {@code stop}; every call must succeed. */
  private Future<?> canaryLoop(AtomicBoolean stop, AtomicInteger served) {
    pool = Executors.newSingleThreadExecutor();
    return pool.submit(() -> {
      do {
        assertThat(canaryEcho("canary")).isEqualTo("canary");
        served.incrementAndGet();
      } while (!stop.get());
      return null;
    });
  }

  @Test
  void aPeerThatNeverReadsIsHeldToTheBudgetRefusedThenClosedWithEnhanceYourCalmAndEveryByteComesBack()
      throws Exception {
    long budget = 8L * RESPONSE;
    InetSocketAddress a = start(budget, 500);
    assertThat(canaryEcho("warm")).isEqualTo("warm");
    long baseline = pinned();

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger served = new AtomicInteger();
    Future<?> canaryCalls = canaryLoop(stop, served);

    HostileClient attacker = nonReader(a);
    await().atMost(Duration.ofSeconds(10)).until(() -> transports.size() == 2);
    ListenRainServerTransport victim = transports.get(1);
    askForBigResponses(attacker, 1, 300); // 300 MiB of responses asked for with ~18 KB of requests
    // Once it is saturated, a later stream is refused at once.
    await().atMost(Duration.ofSeconds(10)).until(() -> victim.responseBudgetSaturations() > 0);
    askForBigResponses(attacker, 601, 1);

    Throwable cause = victim.closeCause.get(20, TimeUnit.SECONDS);
    long peak = victim.peakQueuedResponseBytes().get(10, TimeUnit.SECONDS);
    stop.set(true);
    canaryCalls.get(20, TimeUnit.SECONDS);

    assertThat(victim.misbehaviour).isInstanceOf(PeerAbuseException.class)
        .hasMessageContaining("too_many_queued_response_bytes");
    assertThat(((PeerAbuseException) victim.misbehaviour).errorCode()).isEqualTo(Wire.ENHANCE_YOUR_CALM);
    // Writes fail from twice the budget; one write is a framer buffer: at most 1 MiB plus its headroom.
    assertThat(peak).as("peak queued response bytes").isGreaterThanOrEqualTo(2 * budget)
        .isLessThanOrEqualTo(2 * budget + RESPONSE + 64);
    assertThat(victim.refusedStreamsOverResponseBudget()).as("streams refused while saturated").isPositive();

    // The attacker finally reads: refused stream, then the GOAWAY.
    List<HostileClient.Frame> frames = new ArrayList<>();
    HostileClient.Frame f;
    while ((f = attacker.read(10_000)) != null) {
      frames.add(f);
      if (f.type() == Wire.GOAWAY) {
        break;
      }
    }
    assertThat(frames).anySatisfy(fr -> {
      assertThat(fr.type()).isEqualTo(Wire.RST);
      assertThat(fr.streamId()).isEqualTo(601);
      assertThat(fr.code()).isEqualTo(Wire.REFUSED_STREAM);
    });
    HostileClient.Frame goAway = frames.get(frames.size() - 1);
    assertThat(goAway.type()).isEqualTo(Wire.GOAWAY);
    assertThat(goAway.goAwayCode()).isEqualTo(Wire.ENHANCE_YOUR_CALM);
    assertThat(goAway.goAwayMessage()).contains("too_many_queued_response_bytes");

    await().atMost(Duration.ofSeconds(10)).until(() -> pinned() <= baseline);
    assertThat(served.get()).as("canary calls served during the attack").isPositive();
    assertThat(canaryEcho("after")).isEqualTo("after");
    System.out.printf(Locale.ROOT,
        "non-reader: 300 x 1 MiB asked, peak queued %d bytes (budget %d), %d streams refused,"
        + " closed (%s); pinned %d -> %d bytes; %d canary calls served%n", peak, budget,
        victim.refusedStreamsOverResponseBudget(), cause, baseline, pinned(), served.get());
  }

  @Test
  void everyByteANonReadingPeerCausedIsReleasedWhenItDisconnects() throws Exception {
    InetSocketAddress a = start(ResponseBudget.DEFAULT_BUDGET, TimeUnit.MINUTES.toMillis(10));
    assertThat(canaryEcho("warm")).isEqualTo("warm");
    long baseline = pinned();

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger served = new AtomicInteger();
    Future<?> canaryCalls = canaryLoop(stop, served);

    HostileClient attacker = nonReader(a);
    await().atMost(Duration.ofSeconds(10)).until(() -> transports.size() == 2);
    ListenRainServerTransport victim = transports.get(1);
    askForBigResponses(attacker, 1, 24);
    await().atMost(Duration.ofSeconds(20))
        .until(() -> victim.queuedResponseBytes().get(10, TimeUnit.SECONDS) >= 24L * RESPONSE);
    long held = pinned() - baseline;
    assertThat(held).as("bytes the server holds for the non-reader").isGreaterThanOrEqualTo(24L * RESPONSE);

    attacker.close();
    victim.closeCause.get(10, TimeUnit.SECONDS);
    stop.set(true);
    canaryCalls.get(20, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> pinned() <= baseline);
    System.out.printf(Locale.ROOT,
        "non-reader disconnect: held %d bytes, pinned back to %d (baseline %d); %d canary calls%n",
        held, pinned(), baseline, served.get());
  }
}
