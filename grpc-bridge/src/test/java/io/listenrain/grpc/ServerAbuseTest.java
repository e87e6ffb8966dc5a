package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.stub.StreamObserver;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Hostile clients against a real server over loopback TCP: reply floods from a peer that never reads, empty and
 * one-byte DATA fragments, rapid reset and MadeYouReset, and cancel-then-open against the concurrency limit. Each
 * attack is made by {@link HostileClient} from a plain socket; each test also checks the damage stays on the
 * attacker's connection.
 */
class ServerAbuseTest extends HostileServerTestBase {

  /** The one server transport serving the hostile client (the real channel's is the other one, if any). */
  private ListenRainServerTransport hostileTransport(int index) {
    return transports.get(index);
  }

  // ------------------------------------------------------------------------------------------ reply floods

  @Test
  void pingAndSettingsFloodFromAPeerThatNeverReadsIsDroppedAtTheReplyCapWhileOthersAreServed() throws Exception {
    int cap = 2_000;
    InetSocketAddress a = start(new EchoServiceImpl(), b -> b.maxQueuedControlReplies(cap)
        .permitKeepAliveTime(0, TimeUnit.NANOSECONDS).permitKeepAliveWithoutCalls(true));
    HostileClient attacker = hostile(a, 4096).handshake();
    await(() -> transports.size() == 1);
    ListenRainServerTransport victim = hostileTransport(0);

    assertThat(echo("warm").getPayload().toStringUtf8()).isEqualTo("warm"); // connected before the attack
    pool = Executors.newSingleThreadExecutor();
    AtomicBoolean attacking = new AtomicBoolean(true);
    AtomicInteger served = new AtomicInteger();
    Future<?> normal = pool.submit(() -> {
      do {
        assertThat(echo("hi").getPayload().toStringUtf8()).isEqualTo("hi");
        served.incrementAndGet();
      } while (attacking.get());
      return null;
    });

    long sent = 0;
    try {
      // Up to 4 M replies asked for (about 40 MB of replies): far more than any socket buffer holds.
      for (; sent < 4_000_000; sent += 2) {
        attacker.frame(FrameWriter.ping(HostileClient.ALLOC, false, sent));
        attacker.frame(FrameWriter.settings(HostileClient.ALLOC, new TransportConfig().localSettings()));
        if (sent % 1024 == 0) {
          attacker.flush();
          if (victim.misbehaviour != null) {
            break;
          }
        }
      }
      attacker.flush();
    } catch (IOException reset) {
      // the server dropped the connection under our writes
    }
    victim.closeCause.get(20, TimeUnit.SECONDS);
    attacking.set(false);
    normal.get(20, TimeUnit.SECONDS);

    assertThat(victim.misbehaviour).isInstanceOf(PeerAbuseException.class).hasMessageContaining("too_many_queued_replies");
    assertThat(victim.abusePolicy().peakQueuedAtReply()).isLessThanOrEqualTo(cap);
    assertThat(served.get()).isPositive();
    assertThat(attacker.awaitClosed(5_000)).isTrue();
    System.out.printf(Locale.ROOT,
        "reply flood: %d replies asked for, closed with %d queued at most (cap %d); %d normal calls"
        + " served meanwhile%n", sent, victim.abusePolicy().peakQueuedAtReply(), cap, served.get());
  }

  // ------------------------------------------------------------------------------------------ DATA fragments

  @Test
  void twoEmptyDataFramesInARowAreToleratedAndTheCallIsServed() throws Exception {
    InetSocketAddress a = start(new EchoServiceImpl(), b -> { });
    HostileClient c = hostile(a, 0).handshake();
    c.headers(1, ECHO).data(1, echoRequest("x"), true).flush();
    HostileClient.Frame f;
    do {
      f = c.read(10_000);
    } while (f != null && f.type() != Wire.TRAILERS);
    assertThat(f).isNotNull();
    assertThat(f.code()).as(new String(f.payload(), java.nio.charset.StandardCharsets.UTF_8)).isZero();
  }

  @Test
  void aThirdEmptyDataFrameInARowIsAProtocolErrorThatClosesTheConnection() throws Exception {
    InetSocketAddress a = start(new EchoServiceImpl(), b -> { });
    HostileClient c = hostile(a, 0).handshake();
    c.headers(1, BIDI);
    for (int i = 0; i < 1_000; i++) {
      c.data(1, new byte[0], false);
    }
    c.flush();
    HostileClient.Frame goAway = c.awaitGoAway(10_000);
    assertThat(goAway).isNotNull();
    assertThat(goAway.goAwayCode()).isEqualTo(Wire.PROTOCOL_ERROR);
    assertThat(goAway.goAwayMessage()).contains("consecutive empty DATA");
    assertThat(c.awaitClosed(5_000)).isTrue();
    assertThat(echo("still serving").getPayload().toStringUtf8()).isEqualTo("still serving");
  }

  @Test
  void aMessageInOneByteFragmentsWithinTheBudgetIsServed() throws Exception {
    InetSocketAddress a = start(new EchoServiceImpl(), b -> { });
    HostileClient c = hostile(a, 0).handshake();
    byte[] m = echoRequest("x".repeat(200));
    c.headers(1, ECHO);
    for (byte b : m) {
      c.data(1, new byte[] {b}, false);
    }
    c.data(1, new byte[0], true).flush();
    HostileClient.Frame f;
    do {
      f = c.read(10_000);
    } while (f != null && f.type() != Wire.TRAILERS);
    assertThat(f).isNotNull();
    assertThat(f.code()).isZero();
  }

  @Test
  void oneByteFragmentsPastTheBudgetCloseTheConnectionQuickly() throws Exception {
    InetSocketAddress a = start(new EchoServiceImpl(), b -> { });
    HostileClient c = hostile(a, 0).handshake();
    await(() -> transports.size() == 1);
    ListenRainServerTransport victim = hostileTransport(0);
    c.headers(1, BIDI).data(1, new byte[] {0, 0, 0x10, 0, 0}, false); // a 1 MiB message, announced
    long start = System.nanoTime();
    int sent = 0;
    try {
      for (; sent < 100_000; sent++) {
        c.data(1, new byte[] {7}, false);
        if (sent % 256 == 0) {
          c.flush();
          if (victim.misbehaviour != null) {
            break;
          }
        }
      }
      c.flush();
    } catch (IOException reset) {
      // closed under our writes
    }
    await(() -> victim.misbehaviour != null);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    victim.closeCause.get(10, TimeUnit.SECONDS);
    assertThat(victim.misbehaviour).isInstanceOf(PeerAbuseException.class).hasMessageContaining("DATA fragments");
    assertThat(c.awaitGoAway(10_000)).satisfiesAnyOf(
        f -> assertThat(f).isNull(), // the kernel may reset the connection under our unread writes
        f -> assertThat(f.goAwayMessage()).contains("DATA fragments"));
    assertThat(millis).isLessThan(2_000);
    assertThat(sent).isLessThan(AbusePolicy.DEFAULT_MAX_TINY_DATA_FRAMES + 2_000);
    System.out.printf(Locale.ROOT, "tiny fragments: cut off after %d fragments, %d ms (budget %d)%n", sent, millis,
        AbusePolicy.DEFAULT_MAX_TINY_DATA_FRAMES);
  }

  // ------------------------------------------------------------------------------------------ resets

  @Test
  void rapidResetPastTheDefaultBudgetGetsEnhanceYourCalmAndOtherConnectionsCarryOn() throws Exception {
    InetSocketAddress a = start(new EchoServiceImpl(), b -> { });
    HostileClient c = hostile(a, 0).handshake();
    int opened = 0;
    try {
      for (int id = 1; opened < 20_000; id += 2, opened++) {
        c.headers(id, BIDI).rst(id);
        if (opened % 64 == 0) {
          c.flush();
        }
      }
      c.flush();
    } catch (IOException reset) {
      // closed under our writes
    }
    HostileClient.Frame goAway = c.awaitGoAway(10_000);
    assertThat(goAway).isNotNull();
    assertThat(goAway.goAwayCode()).isEqualTo(Wire.ENHANCE_YOUR_CALM);
    assertThat(goAway.goAwayMessage()).contains("too_many_resets");
    // GOAWAY names the last stream the server took: the 1,001st reset (the first over budget) came on it.
    int lastStreamId = goAway.code();
    assertThat((lastStreamId + 1) / 2).isEqualTo(AbusePolicy.DEFAULT_MAX_RST_PER_WINDOW + 1);
    assertThat(c.awaitClosed(5_000)).isTrue();
    assertThat(echo("calm").getPayload().toStringUtf8()).isEqualTo("calm");
  }

  @Test
  void resetsTheServerSendsBecauseOfThePeerCountAgainstTheSameBudget() throws Exception {
    InetSocketAddress a = start(new EchoServiceImpl(), b -> b.maxConcurrentCallsPerConnection(1)
        .maxRstFramesPerWindow(10, 60));
    HostileClient c = hostile(a, 0).handshake();
    c.headers(1, BIDI).flush(); // holds the only slot
    int refused = 0;
    HostileClient.Frame goAway = null;
    for (int id = 3; id < 3 + 2 * 20; id += 2) {
      c.headers(id, BIDI).flush();
      HostileClient.Frame f = c.read(10_000);
      while (f != null && f.type() != Wire.RST && f.type() != Wire.GOAWAY) {
        f = c.read(10_000);
      }
      if (f == null || f.type() == Wire.GOAWAY) {
        goAway = f;
        break;
      }
      assertThat(f.code()).isEqualTo(Wire.REFUSED_STREAM);
      refused++;
    }
    assertThat(goAway).isNotNull();
    assertThat(goAway.goAwayCode()).isEqualTo(Wire.ENHANCE_YOUR_CALM);
    assertThat(refused).isEqualTo(10); // the client never sent a reset: every one counted was the server's
  }

  @Test
  void cancelThenOpenCannotRunMoreHandlersThanTheConcurrencyLimit() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch twoRunning = new CountDownLatch(2);
    EchoServiceImpl blocking = new EchoServiceImpl() {
      @Override
      public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
        peak.accumulateAndGet(running.incrementAndGet(), Math::max);
        twoRunning.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
          out.onNext(respond(request));
          out.onCompleted();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          running.decrementAndGet();
        }
      }
    };
    InetSocketAddress a = start(blocking, b -> b.maxConcurrentCallsPerConnection(2));
    HostileClient c = hostile(a, 0).handshake();
    c.headers(1, ECHO).data(1, echoRequest("a"), true).headers(3, ECHO).data(3, echoRequest("b"), true).flush();
    assertThat(twoRunning.await(10, TimeUnit.SECONDS)).isTrue();
    c.rst(1).rst(3).flush();
    // Cancel-then-open: both handlers still run, so both new streams are refused.
    c.headers(5, ECHO).data(5, echoRequest("c"), true).headers(7, ECHO).data(7, echoRequest("d"), true).flush();
    List<Integer> refused = new ArrayList<>();
    while (refused.size() < 2) {
      HostileClient.Frame f = c.read(10_000);
      assertThat(f).isNotNull();
      if (f.type() == Wire.RST) {
        assertThat(f.code()).isEqualTo(Wire.REFUSED_STREAM);
        refused.add(f.streamId());
      }
    }
    assertThat(refused).containsExactlyInAnyOrder(5, 7);
    assertThat(peak.get()).isEqualTo(2);

    // Once the handlers return, their slots come back.
    release.countDown();
    await(() -> running.get() == 0);
    HostileClient.Frame f = null;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    for (int id = 9; System.nanoTime() < end; id += 2) {
      c.headers(id, ECHO).data(id, echoRequest("e"), true).flush();
      do {
        f = c.read(10_000);
      } while (f != null && f.streamId() != id);
      if (f != null && f.type() != Wire.RST) {
        break;
      }
    }
    assertThat(f).isNotNull();
    assertThat(f.type()).isNotEqualTo(Wire.RST);
    assertThat(peak.get()).isEqualTo(2);
  }

  static void await(java.util.function.BooleanSupplier condition) {
    org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).until(condition::getAsBoolean);
  }
}
