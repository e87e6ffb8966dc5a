package io.listenrain.server;

import static io.listenrain.testing.NativeFixtures.ANY_LOOPBACK;
import static io.listenrain.testing.NativeFixtures.bytesSpec;
import static io.listenrain.testing.NativeFixtures.echo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.listenrain.client.Transport;
import io.listenrain.codec.BytesMessage;
import io.listenrain.config.TransportKey;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A native server connection's backpressure: it stops reading while it holds its limit of requests in progress
 * (count or bytes) or while its client does not read the answers, and loses nothing when it resumes.
 */
class ServerConnectionTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** Longer than any of these loopback transfers takes when nothing holds them back. */
  private static final Duration QUIET = Duration.ofMillis(500);
  private static final int PAYLOAD = 64 * 1024;

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private Server server;

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    if (server != null) {
      server.shutdownNow();
      server.closeFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** A router that keeps every request unanswered, counting the most it held at once. */
  private static final class HoldingRouter implements ServerRouter<BytesMessage> {
    final Queue<ServerResponse<BytesMessage>> held = new ConcurrentLinkedQueue<>();
    final AtomicInteger holding = new AtomicInteger();
    final AtomicInteger mostHeld = new AtomicInteger();

    @Override
    public void route(ServerResponse<BytesMessage> response, long msgId, BytesMessage request) {
      request.release();
      held.add(response);
      mostHeld.accumulateAndGet(holding.incrementAndGet(), Math::max);
    }

    /** Answers up to {@code n} held requests with an empty payload. */
    void answer(int n) {
      for (int i = 0; i < n; i++) {
        ServerResponse<BytesMessage> r = held.poll();
        if (r == null) {
          return;
        }
        holding.decrementAndGet();
        r.send(new BytesMessage(r.msgId(), Unpooled.EMPTY_BUFFER));
      }
    }
  }

  private Transport<BytesMessage> client() {
    Transport<BytesMessage> c = Transport.create(TransportKey.of("bytes", server.localAddress()),
        bytesSpec().build());
    closeables.add(c::shutdownNow);
    return c;
  }

  private static BytesMessage request(long msgId) {
    return new BytesMessage(msgId, Unpooled.wrappedBuffer(new byte[PAYLOAD]));
  }

  /** Sends {@code n} requests of {@link #PAYLOAD} bytes. */
  private static List<CompletableFuture<BytesMessage>> send(Transport<BytesMessage> client, int n) {
    List<CompletableFuture<BytesMessage>> calls = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      calls.add(client.send(request(i), Duration.ofMinutes(1)));
    }
    return calls;
  }

  /** Answers everything held, in rounds, until every call is complete; each answer releases its response. */
  private static void answerUntilDone(HoldingRouter router, List<CompletableFuture<BytesMessage>> calls) {
    await().atMost(WAIT).until(() -> {
      router.answer(Integer.MAX_VALUE);
      return calls.stream().allMatch(CompletableFuture::isDone);
    });
    for (CompletableFuture<BytesMessage> c : calls) {
      c.join().release();
    }
  }

  @Test
  void aConnectionHoldingItsLimitOfRequestsStopsReadingAndResumesOnceAnswersBringItToThreeQuarters()
      throws Exception {
    HoldingRouter router = new HoldingRouter();
    server = ServerTransports.listen(ANY_LOOPBACK, bytesSpec().serverMaxRequestsInProgress(8, 1L << 30).build(),
        router);
    List<CompletableFuture<BytesMessage>> calls = send(client(), 100);

    await().atMost(WAIT).until(() -> router.holding.get() >= 8);
    // A request completed by the read that reached the limit is still delivered: at most one read over.
    await().during(QUIET).atMost(WAIT).until(() -> router.holding.get() <= 10);
    assertThat(server.stats().readPauses()).isEqualTo(1);

    int before = router.holding.get();
    router.answer(1); // still above three quarters of 8 (6): stays paused
    await().during(QUIET).atMost(WAIT).until(() -> router.holding.get() == before - 1);
    router.answer(before - 1 - 6); // at three quarters: reads resume
    await().atMost(WAIT).until(() -> server.stats().requests() > before);

    answerUntilDone(router, calls);
    assertThat(server.stats().requests()).isEqualTo(100);
    assertThat(router.mostHeld.get()).isLessThanOrEqualTo(10);
    assertThat(server.stats().readPauses()).isGreaterThan(1);
  }

  @Test
  void aConnectionHoldingItsLimitOfRequestBytesStopsReading() throws Exception {
    HoldingRouter router = new HoldingRouter();
    int limit = 4 * PAYLOAD; // four requests' packets fill it
    server = ServerTransports.listen(ANY_LOOPBACK, bytesSpec().serverMaxRequestsInProgress(1_000, limit).build(),
        router);
    List<CompletableFuture<BytesMessage>> calls = send(client(), 40);

    await().atMost(WAIT).until(() -> router.holding.get() >= 4);
    await().during(QUIET).atMost(WAIT).until(() -> router.holding.get() <= 6);
    assertThat(server.stats().readPauses()).isEqualTo(1);

    answerUntilDone(router, calls);
    assertThat(server.stats().requests()).isEqualTo(40);
    assertThat(router.mostHeld.get()).isLessThanOrEqualTo(6);
  }

  /** The raw-bytes wire form of a request: 4-byte length, 8-byte msgID, payload. */
  private static byte[] packet(long msgId, byte fill) {
    byte[] body = new byte[PAYLOAD];
    Arrays.fill(body, fill);
    return ByteBuffer.allocate(4 + 8 + PAYLOAD).putInt(8 + PAYLOAD).putLong(msgId).put(body).array();
  }

  @Test
  void aClientThatDoesNotReadItsAnswersIsNoLongerReadFromAndGetsEveryAnswerOnceItReads() throws Exception {
    int n = 2_000; // 128 MiB each way: far more than the socket buffers on both sides hold
    server = ServerTransports.listen(ANY_LOOPBACK, bytesSpec().build(), echo());
    Socket s = new Socket();
    closeables.add(s);
    s.setReceiveBufferSize(64 * 1024);
    s.connect(server.localAddress(), 5000);
    OutputStream out = s.getOutputStream();
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      try {
        for (int i = 1; i <= n; i++) {
          out.write(packet(i, (byte) i));
        }
        out.flush();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });

    // The server reads on while it can still push answers into the socket buffers, then stops for good.
    AtomicLong last = new AtomicLong(-1);
    await().atMost(WAIT).pollInterval(QUIET).until(() -> last.getAndSet(server.stats().requests()) == last.get());
    assertThat(server.stats().readPauses()).isGreaterThanOrEqualTo(1);
    assertThat(last.get()).as("requests read while the client reads nothing").isLessThan(n);
    assertThat(writer).isNotDone();

    DataInputStream in = new DataInputStream(s.getInputStream());
    Set<Long> answered = new HashSet<>();
    byte[] body = new byte[PAYLOAD];
    for (int i = 1; i <= n; i++) { // in any order: the router runs on a pool
      assertThat(in.readInt()).isEqualTo(8 + PAYLOAD);
      long msgId = in.readLong();
      in.readFully(body);
      assertThat(answered.add(msgId)).as("msgId %d answered once", msgId).isTrue();
      assertThat(body[0]).isEqualTo((byte) msgId);
      assertThat(body[PAYLOAD - 1]).isEqualTo((byte) msgId);
    }
    assertThat(answered).hasSize(n).allMatch(id -> id >= 1 && id <= n);
    writer.get(10, TimeUnit.SECONDS);
    assertThat(server.stats().responses()).isEqualTo(n);
  }
}
