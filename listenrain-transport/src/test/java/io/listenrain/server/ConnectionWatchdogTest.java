package io.listenrain.server;

import static io.listenrain.testing.NativeFixtures.ANY_LOOPBACK;
import static io.listenrain.testing.NativeFixtures.bytesSpec;
import static io.listenrain.testing.NativeFixtures.echo;
import static io.listenrain.testing.NativeFixtures.message;
import static io.listenrain.testing.NativeFixtures.textOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.listenrain.client.Transport;
import io.listenrain.codec.BytesMessage;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.config.TransportKey;
import io.listenrain.timer.FakeTicker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The native server's handshake, stall and idle timeouts. Deadlines are checked on a fake clock through
 * {@link NativeServer#checkTimeoutsNow()}, so "not yet" and "now" are exact; one test runs on the real clock to show
 * the periodic check fires by itself.
 */
class ConnectionWatchdogTest {
  private static final Duration HANDSHAKE = Duration.ofSeconds(20);
  private static final Duration STALL = Duration.ofSeconds(20);
  private static final Duration IDLE = Duration.ofSeconds(60);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final FakeTicker ticker = new FakeTicker();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private NativeServer<BytesMessage> server;

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

  @SuppressWarnings("unchecked") // ServerTransports.listen builds a NativeServer of the spec's message type
  private NativeServer<BytesMessage> listen(ProtocolSpec<BytesMessage> spec, ServerRouter<BytesMessage> router)
      throws IOException {
    server = (NativeServer<BytesMessage>) ServerTransports.listen(ANY_LOOPBACK, spec, router);
    return server;
  }

  private Transport<BytesMessage> client() {
    Transport<BytesMessage> c = Transport.create(TransportKey.of("bytes", server.localAddress()),
        bytesSpec().build());
    closeables.add(c::shutdownNow);
    return c;
  }

  private Socket rawSocket() throws IOException {
    Socket s = new Socket();
    closeables.add(s);
    s.connect(server.localAddress(), 5000);
    s.setTcpNoDelay(true);
    return s;
  }

  /** Moves the fake clock by {@code d} and runs every connection's check. */
  private void advanceAndCheck(Duration d) throws Exception {
    ticker.advance(d);
    server.checkTimeoutsNow().get(10, TimeUnit.SECONDS);
  }

  /** The raw-bytes wire form of a request: 4-byte length, 8-byte msgID, payload. */
  private static byte[] packet(long msgId, String text) {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + 8 + body.length).putInt(8 + body.length).putLong(msgId).put(body).array();
  }

  /** Whether the server closed {@code s}: end of stream or a reset within {@code within}; skips response bytes. */
  private static boolean closedByServer(Socket s, Duration within) throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    InputStream in = s.getInputStream();
    byte[] buf = new byte[1024];
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      s.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      try {
        if (in.read(buf) < 0) {
          return true;
        }
      } catch (SocketTimeoutException e) {
        return false;
      } catch (SocketException e) {
        return true; // reset
      }
    }
  }

  @Test
  void twoHundredSocketsTricklingPartialPacketsAreAllClosedAtTheHandshakeDeadlineWhileANormalClientKeepsCalling()
      throws Exception {
    listen(bytesSpec().ticker(ticker).serverHandshakeTimeout(HANDSHAKE).build(), echo());
    Transport<BytesMessage> client = client();
    assertThat(textOf(client.send(message(1, "first")).get(5, TimeUnit.SECONDS))).isEqualTo("first");

    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Socket s = rawSocket();
      // Half send two bytes of a length header (the zeros trickled next make it declare 64 KiB); half a whole header
      // declaring 100 bytes and the start of the body.
      s.getOutputStream().write(i % 2 == 0 ? new byte[] {0, 1} : new byte[] {0, 0, 0, 100, 0, 0, 0, 0});
      slow.add(s);
    }
    await().atMost(WAIT).until(() -> server.connectionCount() == 201);

    // A trickler keeps every slow socket moving (one byte each per round, never completing a packet) while a normal
    // client calls in a loop.
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong answered = new AtomicLong();
    AtomicReference<Throwable> clientFailure = new AtomicReference<>();
    Thread trickler = new Thread(() -> {
      for (int round = 0; !stop.get() && round < 50; round++) {
        for (Socket s : slow) {
          try {
            s.getOutputStream().write(0);
          } catch (IOException closed) {
            // the server closed it; keep trickling to the others
          }
        }
      }
    });
    Thread caller = new Thread(() -> {
      long id = 100;
      while (!stop.get()) {
        try {
          String text = "call-" + id;
          assertThat(textOf(client.send(message(id++, text)).get(5, TimeUnit.SECONDS))).isEqualTo(text);
          answered.incrementAndGet();
        } catch (Throwable t) {
          clientFailure.compareAndSet(null, t);
          return;
        }
      }
    });
    trickler.start();
    caller.start();
    try {
      await().atMost(WAIT).until(() -> answered.get() >= 20);
      advanceAndCheck(HANDSHAKE.minusMillis(1));
      assertThat(server.connectionCount()).as("nothing closed before the deadline").isEqualTo(201);

      long before = answered.get();
      advanceAndCheck(Duration.ofMillis(1));
      for (Socket s : slow) {
        assertThat(closedByServer(s, WAIT)).as("slow socket closed").isTrue();
      }
      await().atMost(WAIT).until(() -> server.connectionCount() == 1);
      await().atMost(WAIT).until(() -> answered.get() >= before + 20);
    } finally {
      stop.set(true);
      trickler.join(10_000);
      caller.join(10_000);
    }
    assertThat(clientFailure.get()).isNull();
  }

  @Test
  void aSilentConnectionIsClosedAtTheHandshakeDeadlineByTheRealClock() throws Exception {
    listen(bytesSpec().serverHandshakeTimeout(Duration.ofMillis(300)).build(), echo());
    long start = System.nanoTime();
    Socket s = rawSocket();
    assertThat(closedByServer(s, WAIT)).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    await().atMost(WAIT).until(() -> server.connectionCount() == 0);
  }

  @Test
  void aPacketThatStallsHalfWayIsAbortedAfterTheStallTimeoutAndEachByteRestartsTheWindow() throws Exception {
    listen(bytesSpec().ticker(ticker).serverStallTimeout(STALL).build(), echo());
    Socket s = rawSocket();
    OutputStream out = s.getOutputStream();
    out.write(packet(1, "whole"));
    await().atMost(WAIT).until(() -> server.stats().responses() == 1);
    out.write(new byte[] {0, 0, 0, 50, 0, 0}); // a header declaring 50 bytes, and 2 of them
    await().atMost(WAIT).until(() -> server.stats().bytesIn() == 17 + 6);

    advanceAndCheck(STALL.minusMillis(1));
    assertThat(server.connectionCount()).isEqualTo(1);
    out.write(0); // progress
    await().atMost(WAIT).until(() -> server.stats().bytesIn() == 17 + 7);
    advanceAndCheck(STALL.minusMillis(1));
    assertThat(server.connectionCount()).as("a byte restarted the window").isEqualTo(1);

    advanceAndCheck(Duration.ofMillis(1));
    assertThat(closedByServer(s, WAIT)).isTrue();
    await().atMost(WAIT).until(() -> server.connectionCount() == 0);
  }

  @Test
  void aPartialPacketIsNotStalledWhileTheServerHasPausedReadsAndItsWindowStartsAgainOnResume() throws Exception {
    Queue<ServerResponse<BytesMessage>> held = new ConcurrentLinkedQueue<>();
    listen(bytesSpec().ticker(ticker).serverStallTimeout(STALL).serverMaxRequestsInProgress(1, 1 << 20).build(),
        (response, msgId, m) -> {
          m.release();
          held.add(response);
        });
    Socket s = rawSocket();
    OutputStream out = s.getOutputStream();
    out.write(packet(1, "held"));
    await().atMost(WAIT).until(() -> held.size() == 1 && server.stats().readPauses() == 1);
    out.write(new byte[] {0, 0, 0, 50, 0, 0}); // a header declaring 50 bytes, and 2 of them: unread while paused

    advanceAndCheck(STALL.multipliedBy(3));
    assertThat(server.connectionCount()).as("the server, not the client, stopped the bytes").isEqualTo(1);

    held.poll().send(new BytesMessage(1, io.netty.buffer.Unpooled.EMPTY_BUFFER));
    await().atMost(WAIT).until(() -> server.stats().bytesIn() == 16 + 6); // resumed: the partial packet is read
    advanceAndCheck(STALL.minusMillis(1));
    assertThat(server.connectionCount()).as("the window started again on resume").isEqualTo(1);
    advanceAndCheck(Duration.ofMillis(1));
    assertThat(closedByServer(s, WAIT)).isTrue();
  }

  @Test
  void aConnectionBetweenPacketsIsNotStalled() throws Exception {
    listen(bytesSpec().ticker(ticker).serverStallTimeout(STALL).build(), echo());
    Transport<BytesMessage> client = client();
    assertThat(textOf(client.send(message(1, "a")).get(5, TimeUnit.SECONDS))).isEqualTo("a");
    advanceAndCheck(STALL.multipliedBy(100));
    assertThat(server.connectionCount()).isEqualTo(1);
    assertThat(textOf(client.send(message(2, "b")).get(5, TimeUnit.SECONDS))).isEqualTo("b");
  }

  @Test
  void anIdleConnectionIsClosedGracefullyAtItsIdleTimeoutAndTheNextCallRedials() throws Exception {
    listen(bytesSpec().ticker(ticker).serverIdleTimeout(IDLE).build(), echo());
    Transport<BytesMessage> client = client();
    assertThat(textOf(client.send(message(1, "a")).get(5, TimeUnit.SECONDS))).isEqualTo("a");

    advanceAndCheck(IDLE.minusMillis(1));
    assertThat(server.connectionCount()).isEqualTo(1);
    advanceAndCheck(Duration.ofMillis(1));
    await().atMost(WAIT).until(() -> server.connectionCount() == 0);

    assertThat(textOf(client.send(message(2, "b")).get(5, TimeUnit.SECONDS))).isEqualTo("b");
    assertThat(server.stats().connectionsAccepted()).isEqualTo(2);
  }

  @Test
  void aConnectionWithARequestInFlightIsNotClosedAsIdle() throws Exception {
    Queue<ServerResponse<BytesMessage>> held = new ConcurrentLinkedQueue<>();
    Queue<BytesMessage> heldMessages = new ConcurrentLinkedQueue<>();
    listen(bytesSpec().ticker(ticker).serverIdleTimeout(IDLE).build(), (response, msgId, m) -> {
      held.add(response);
      heldMessages.add(m);
    });
    Transport<BytesMessage> client = client();
    CompletableFuture<BytesMessage> call = client.send(message(1, "slow"), Duration.ofHours(10));
    await().atMost(WAIT).until(() -> held.size() == 1);

    advanceAndCheck(IDLE.multipliedBy(10));
    assertThat(server.connectionCount()).isEqualTo(1);
    assertThat(call).isNotDone();

    held.poll().send(heldMessages.poll());
    assertThat(textOf(call.get(5, TimeUnit.SECONDS))).isEqualTo("slow");
    // Idle counts from the answer, not from the request.
    advanceAndCheck(IDLE.minusMillis(1));
    assertThat(server.connectionCount()).isEqualTo(1);
    advanceAndCheck(Duration.ofMillis(1));
    await().atMost(WAIT).until(() -> server.connectionCount() == 0);
  }

  @Test
  void theIdleTimeoutIsOffByDefaultAndTheOtherTwoAreTwentySeconds() throws Exception {
    ProtocolSpec<BytesMessage> spec = bytesSpec().ticker(ticker).build();
    assertThat(spec.serverIdleTimeout()).isZero();
    assertThat(spec.serverHandshakeTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(spec.serverStallTimeout()).isEqualTo(Duration.ofSeconds(20));
    listen(spec, echo());
    Transport<BytesMessage> client = client();
    assertThat(textOf(client.send(message(1, "a")).get(5, TimeUnit.SECONDS))).isEqualTo("a");
    advanceAndCheck(Duration.ofDays(1));
    assertThat(server.connectionCount()).isEqualTo(1);
    assertThat(textOf(client.send(message(2, "b")).get(5, TimeUnit.SECONDS))).isEqualTo("b");
  }

  @Test
  void negativeTimeoutsAreRejected() {
    assertThatThrownBy(() -> bytesSpec().serverHandshakeTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("handshake");
    assertThatThrownBy(() -> bytesSpec().serverStallTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stall");
    assertThatThrownBy(() -> bytesSpec().serverIdleTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idle");
  }

  @Test
  void theCheckPeriodIsATenthOfTheShortestTimeoutWithinBounds() {
    assertThat(new ServerTimeouts(ticker, Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ZERO)
        .checkPeriodNanos).isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
    assertThat(new ServerTimeouts(ticker, Duration.ofMillis(20), Duration.ZERO, Duration.ZERO).checkPeriodNanos)
        .isEqualTo(ServerTimeouts.MIN_CHECK_PERIOD_NANOS);
    assertThat(new ServerTimeouts(ticker, Duration.ofHours(1), Duration.ZERO, Duration.ZERO).checkPeriodNanos)
        .isEqualTo(ServerTimeouts.MAX_CHECK_PERIOD_NANOS);
    assertThat(new ServerTimeouts(ticker, Duration.ZERO, Duration.ZERO, Duration.ZERO).anyOn()).isFalse();
  }
}
