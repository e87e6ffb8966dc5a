package io.listenrain.client;

import static io.listenrain.testing.NativeFixtures.ANY_LOOPBACK;
import static io.listenrain.testing.NativeFixtures.bytesSpec;
import static io.listenrain.testing.NativeFixtures.echo;
import static io.listenrain.testing.NativeFixtures.message;
import static io.listenrain.testing.NativeFixtures.textOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelGenerator;
import io.listenrain.channel.Channels;
import io.listenrain.channel.InProcessAddress;
import io.listenrain.codec.BytesMessage;
import io.listenrain.codec.LengthPrefixedPacketCodec;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.config.ReconnectPolicy;
import io.listenrain.config.TransportKey;
import io.listenrain.errors.CallTimeoutException;
import io.listenrain.errors.ConnectionClosedException;
import io.listenrain.errors.MsgIdInUseException;
import io.listenrain.errors.QueueFullException;
import io.listenrain.errors.TransportClosedException;
import io.listenrain.server.Server;
import io.listenrain.server.ServerResponse;
import io.listenrain.server.ServerRouter;
import io.listenrain.server.ServerStats;
import io.listenrain.server.ServerTransports;
import io.listenrain.state.StateMachine;
import io.listenrain.testing.NativeFixtures;
import io.listenrain.timer.FakeTicker;
import io.listenrain.transport.PacketQueues;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClientTransportTest {
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final ExecutorService callbacks = NativeFixtures.namedPool("test-callback", 4);

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    callbacks.shutdownNow();
  }

  private Server echoServer(SocketAddress address) throws Exception {
    return server(address, bytesSpec().executor(callbacks).build(), echo());
  }

  private Server server(SocketAddress address, ProtocolSpec<BytesMessage> spec, ServerRouter<BytesMessage> router)
      throws Exception {
    Server s = ServerTransports.listen(address, spec, router);
    closeables.add(s::shutdownNow);
    return s;
  }

  private ClientTransport<BytesMessage> client(SocketAddress address, ProtocolSpec<BytesMessage> spec) {
    ClientTransport<BytesMessage> t = new ClientTransport<>(TransportKey.of(spec.name(), address), spec);
    closeables.add(t::shutdownNow);
    return t;
  }

  @Test
  void futureSyncAndStateMachineCallsGetTheirResponsesOffTheIoThread() throws Exception {
    Server server = echoServer(ANY_LOOPBACK);
    ClientTransport<BytesMessage> client = client(server.localAddress(), bytesSpec().executor(callbacks).build());

    assertThat(textOf(client.send(message(1, "future")).get(5, TimeUnit.SECONDS))).isEqualTo("future");
    assertThat(textOf(client.syncSend(message(2, "sync"), Duration.ofSeconds(5)))).isEqualTo("sync");
    CompletableFuture<String> thread = new CompletableFuture<>();
    client.send(message(3, "machine"), new StateMachine<>() {
      @Override
      public void process(long msgId, BytesMessage m) {
        textOf(m);
        thread.complete(msgId + "@" + Thread.currentThread().getName());
      }

      @Override
      public void timeout(long msgId) {
        thread.completeExceptionally(new AssertionError("timeout"));
      }

      @Override
      public void failed(long msgId, Throwable cause) {
        thread.completeExceptionally(cause);
      }
    });
    assertThat(thread.get(5, TimeUnit.SECONDS)).startsWith("3@test-callback-");
    TransportStats stats = client.stats();
    assertThat(stats.callsStarted()).isEqualTo(3);
    assertThat(stats.callsSucceeded()).isEqualTo(3);
    assertThat(stats.packetsOut()).isEqualTo(3);
    assertThat(stats.packetsIn()).isEqualTo(3);
    assertThat(stats.bytesOut()).isEqualTo(3 * (4 + 8) + "future".length() + "sync".length() + "machine".length());
    assertThat(stats.connects()).isEqualTo(1);
    ServerStats serverStats = server.stats();
    assertThat(serverStats.requests()).isEqualTo(3);
    assertThat(serverStats.responses()).isEqualTo(3);
    assertThat(serverStats.connectionsAccepted()).isEqualTo(1);
    assertThat(serverStats.bytesIn()).isEqualTo(stats.bytesOut());
    await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().bytesOut() == client.stats().bytesIn());
    client.shutdownNow();
    await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().openConnections() == 0);
    assertThat(server.stats().bytesIn()).as("kept after the connection closed").isEqualTo(stats.bytesOut());
  }

  @Test
  void tenThousandConcurrentCallsOnOneConnectionComeBackExactlyOnceEach() throws Exception {
    // The server answers on 4 threads, so responses come back out of order.
    Server server = echoServer(ANY_LOOPBACK);
    ClientTransport<BytesMessage> client = client(server.localAddress(), bytesSpec().executor(callbacks).build());
    int n = 10_000;
    AtomicInteger[] seen = new AtomicInteger[n];
    AtomicInteger misrouted = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(n);
    Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
    String[] bodies = new String[n];
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < n; i++) {
      // Random sizes 0-16 KiB; the id at both ends so that a response routed to the wrong call is caught.
      String pad = "r".repeat(random.nextInt(16 * 1024));
      bodies[i] = i + pad + i;
    }
    StateMachine<BytesMessage> machine = new StateMachine<>() {
      @Override
      public void process(long msgId, BytesMessage m) {
        if (!textOf(m).equals(bodies[(int) msgId])) {
          misrouted.incrementAndGet();
        }
        seen[(int) msgId].incrementAndGet();
        done.countDown();
      }

      @Override
      public void timeout(long msgId) {
        errors.add(new AssertionError("timeout " + msgId));
        done.countDown();
      }

      @Override
      public void failed(long msgId, Throwable cause) {
        errors.add(cause);
        done.countDown();
      }
    };
    for (int i = 0; i < n; i++) {
      seen[i] = new AtomicInteger();
    }
    Thread[] senders = new Thread[4];
    for (int s = 0; s < senders.length; s++) {
      int first = s;
      senders[s] = new Thread(() -> {
        for (int i = first; i < n; i += senders.length) {
          client.send(message(i, bodies[i]), machine, Duration.ofSeconds(60));
        }
      });
      senders[s].start();
    }
    for (Thread t : senders) {
      t.join();
    }
    assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
    assertThat(errors).isEmpty();
    assertThat(misrouted.get()).isZero();
    for (int i = 0; i < n; i++) {
      assertThat(seen[i].get()).as("responses for msgId %d", i).isEqualTo(1);
    }
    assertThat(client.stats().connects()).isEqualTo(1);
    assertThat(client.stats().unmatchedResponses()).isZero();
  }

  @Test
  void hundredThousandCompletedCallsLeaveTheTimerEmpty() throws Exception {
    Server server = echoServer(new InProcessAddress("timer-empty"));
    ClientTransport<BytesMessage> client = client(server.localAddress(),
        bytesSpec().executor(callbacks).tickInterval(Duration.ofMillis(1)).build());
    int n = 100_000;
    Semaphore window = new Semaphore(2_000);
    CountDownLatch done = new CountDownLatch(n);
    AtomicInteger ok = new AtomicInteger();
    for (int i = 0; i < n; i++) {
      window.acquire();
      client.send(message(i, ""), Duration.ofHours(1)).whenComplete((m, e) -> {
        if (e == null) {
          m.release();
          ok.incrementAndGet();
        }
        window.release();
        done.countDown();
      });
    }
    assertThat(done.await(120, TimeUnit.SECONDS)).isTrue();
    assertThat(ok.get()).isEqualTo(n);
    client.tickNow();
    assertThat(client.timerSize()).isZero();
    assertThat(client.stats().inFlight()).isZero();
  }

  @Test
  void unansweredCallTimesOutWhenTheFakeClockPassesItsDeadline() throws Exception {
    FakeTicker ticker = new FakeTicker();
    Queue<BytesMessage> held = new ConcurrentLinkedQueue<>();
    Server server = server(ANY_LOOPBACK, bytesSpec().build(), (r, id, m) -> held.add(m));
    closeables.add(() -> held.forEach(BytesMessage::release));
    ClientTransport<BytesMessage> client = client(server.localAddress(), bytesSpec().ticker(ticker).build());

    CompletableFuture<BytesMessage> call = client.send(message(9, "slow"), Duration.ofSeconds(30));
    await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == 1);
    client.tickNow();
    client.tickNow();
    assertThat(call).isNotDone();
    ticker.advance(Duration.ofSeconds(29));
    client.tickNow();
    assertThat(call).isNotDone();
    ticker.advance(Duration.ofSeconds(1));
    client.tickNow();

    assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(CallTimeoutException.class);
    assertThat(client.stats().callsTimedOut()).isEqualTo(1);
    assertThat(client.timerSize()).isZero();
  }

  @Test
  void lateResponseAfterTimeoutIsDroppedAndCounted() throws Exception {
    FakeTicker ticker = new FakeTicker();
    Queue<ServerResponse<BytesMessage>> responses = new ConcurrentLinkedQueue<>();
    Server server = server(ANY_LOOPBACK, bytesSpec().build(), (r, id, m) -> {
      m.release();
      responses.add(r);
    });
    ClientTransport<BytesMessage> client = client(server.localAddress(), bytesSpec().ticker(ticker).build());
    CompletableFuture<BytesMessage> call = client.send(message(4, "x"), Duration.ofSeconds(1));
    await().atMost(Duration.ofSeconds(5)).until(() -> responses.size() == 1);
    ticker.advance(Duration.ofSeconds(2));
    client.tickNow();
    assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(CallTimeoutException.class);

    responses.poll().send(message(4, "late"));

    await().atMost(Duration.ofSeconds(5)).until(() -> client.stats().unmatchedResponses() == 1);
  }

  @Test
  void reusingAnInFlightMsgIdIsRejectedAndTheFirstCallIsUndisturbed() throws Exception {
    Queue<ServerResponse<BytesMessage>> responses = new ConcurrentLinkedQueue<>();
    Queue<BytesMessage> requests = new ConcurrentLinkedQueue<>();
    Server server = server(ANY_LOOPBACK, bytesSpec().build(), (r, id, m) -> {
      responses.add(r);
      requests.add(m);
    });
    ClientTransport<BytesMessage> client = client(server.localAddress(), bytesSpec().build());

    CompletableFuture<BytesMessage> first = client.send(message(7, "first"), Duration.ofMinutes(1));
    BytesMessage duplicate = message(7, "second");
    assertThatThrownBy(() -> client.send(duplicate)).isInstanceOf(MsgIdInUseException.class);
    assertThat(duplicate.refCnt()).as("rejected request released").isZero();

    await().atMost(Duration.ofSeconds(5)).until(() -> responses.size() == 1);
    responses.poll().send(requests.poll());
    assertThat(textOf(first.get(5, TimeUnit.SECONDS))).isEqualTo("first");
    // Once the call has ended the msgId is free again.
    CompletableFuture<BytesMessage> again = client.send(message(7, "again"), Duration.ofMinutes(1));
    await().atMost(Duration.ofSeconds(5)).until(() -> responses.size() == 1);
    responses.poll().send(requests.poll());
    assertThat(textOf(again.get(5, TimeUnit.SECONDS))).isEqualTo("again");
    assertThat(client.stats().callsStarted()).isEqualTo(2);
  }

  @Test
  void whenTheConnectionDiesCallsInFlightFailAtOnceAndTheirTimersGo() throws Exception {
    Queue<BytesMessage> held = new ConcurrentLinkedQueue<>();
    CountDownLatch arrived = new CountDownLatch(3);
    Server server = server(ANY_LOOPBACK, bytesSpec().build(), (r, id, m) -> {
      held.add(m);
      arrived.countDown();
    });
    closeables.add(() -> held.forEach(BytesMessage::release));
    ClientTransport<BytesMessage> client = client(server.localAddress(), bytesSpec().build());
    List<CompletableFuture<BytesMessage>> calls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      calls.add(client.send(message(i, "x"), Duration.ofHours(1)));
    }
    assertThat(arrived.await(5, TimeUnit.SECONDS)).isTrue();
    client.tickNow();
    assertThat(client.timerSize()).isEqualTo(3);

    server.shutdownNow();

    for (CompletableFuture<BytesMessage> c : calls) {
      assertThatThrownBy(() -> c.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectionClosedException.class);
    }
    client.tickNow();
    assertThat(client.timerSize()).isZero();
    assertThat(client.stats().callsFailed()).isEqualTo(3);
  }

  @Test
  void nextCallAfterAConnectionDiesDialsAgain() throws Exception {
    AtomicReference<Server> server = new AtomicReference<>(echoServer(ANY_LOOPBACK));
    SocketAddress address = server.get().localAddress();
    ClientTransport<BytesMessage> client = client(address, bytesSpec().build());
    assertThat(textOf(client.send(message(1, "a")).get(5, TimeUnit.SECONDS))).isEqualTo("a");
    server.get().shutdownNow();
    server.get().closeFuture().get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> client.stats().packetsIn() == 1 && isIdle(client));

    echoServer(address);

    assertThat(textOf(client.send(message(2, "b")).get(5, TimeUnit.SECONDS))).isEqualTo("b");
    assertThat(client.stats().reconnects()).isEqualTo(1);
  }

  private static boolean isIdle(ClientTransport<BytesMessage> client) {
    return client.stats().queueDepth() == 0 && client.stats().inFlight() == 0 && client.stats().connects() == 1
        && !client.isTerminated() && client.toString() != null && currentIsNull(client);
  }

  private static boolean currentIsNull(ClientTransport<BytesMessage> client) {
    try {
      java.lang.reflect.Field f = ClientTransport.class.getDeclaredField("current");
      f.setAccessible(true);
      return f.get(client) == null;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void failedDialsBackOffAndAClosedTransportDialsNoMore() throws Exception {
    SocketAddress dead = deadAddress();
    FakeTicker ticker = new FakeTicker();
    AtomicInteger dials = new AtomicInteger();
    ProtocolSpec<BytesMessage> spec = bytesSpec().ticker(ticker)
        .reconnectPolicy(ReconnectPolicy.of(Duration.ofSeconds(1), Duration.ofSeconds(8), 2, 0, Integer.MAX_VALUE))
        .channelGenerators(key -> countingDialer(key, dials)).build();
    ClientTransport<BytesMessage> client = client(dead, spec);

    assertThatThrownBy(() -> client.send(message(1, "a")).get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ConnectionClosedException.class);
    assertThat(dials.get()).isEqualTo(1);
    // Inside the backoff window calls fail fast without dialing.
    assertThatThrownBy(() -> client.send(message(2, "b")).get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ConnectionClosedException.class);
    assertThat(dials.get()).isEqualTo(1);
    ticker.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> client.send(message(3, "c")).get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ConnectionClosedException.class);
    assertThat(dials.get()).isEqualTo(2);
    // The second failure doubles the delay: one second is not enough now.
    ticker.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> client.send(message(4, "d")).get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ConnectionClosedException.class);
    assertThat(dials.get()).isEqualTo(2);

    client.close().get(5, TimeUnit.SECONDS);
    ticker.advance(Duration.ofMinutes(1));
    assertThatThrownBy(() -> client.send(message(5, "e"))).isInstanceOf(TransportClosedException.class);
    assertThat(dials.get()).isEqualTo(2);
    assertThat(client.isTerminated()).isTrue();
  }

  @Test
  void transportGivesUpAfterMaxAttemptsAndTerminates() throws Exception {
    FakeTicker ticker = new FakeTicker();
    ProtocolSpec<BytesMessage> spec = bytesSpec().ticker(ticker)
        .reconnectPolicy(ReconnectPolicy.of(Duration.ofMillis(1), Duration.ofMillis(1), 1, 0, 2)).build();
    ClientTransport<BytesMessage> client = client(deadAddress(), spec);
    assertThatThrownBy(() -> client.send(message(1, "a")).get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ConnectionClosedException.class);
    ticker.advance(Duration.ofMillis(1));
    assertThatThrownBy(() -> client.send(message(2, "a")).get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ConnectionClosedException.class);
    client.terminationFuture().get(5, TimeUnit.SECONDS);
    assertThat(client.isTerminated()).isTrue();
  }

  private static ChannelGenerator countingDialer(TransportKey key, AtomicInteger dials) {
    return new ChannelGenerator() {
      @Override
      public CompletableFuture<Channel> connect() {
        dials.incrementAndGet();
        return Channels.dial(key.endpoints().get(0));
      }

      @Override
      public void close() {}
    };
  }

  private static SocketAddress deadAddress() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return new InetSocketAddress("127.0.0.1", s.getLocalPort());
    }
  }

  @Test
  void gracefulCloseLetsCallsFinishAndFlushesQueuedMessagesBeforeClosing() throws Exception {
    int oneWays = 500;
    CountDownLatch received = new CountDownLatch(oneWays + 1);
    Server server = server(ANY_LOOPBACK, bytesSpec().build(), (r, id, m) -> {
      received.countDown();
      if (id == -1) {
        r.send(m);
      } else {
        m.release();
      }
    });
    ClientTransport<BytesMessage> client = client(server.localAddress(), bytesSpec().build());
    CompletableFuture<BytesMessage> call = client.send(message(-1, "call"));
    for (int i = 0; i < oneWays; i++) {
      client.sendOneWay(message(i, "one-way " + i));
    }
    CompletableFuture<Void> closed = client.close();
    assertThatThrownBy(() -> client.send(message(99, "late"))).isInstanceOf(TransportClosedException.class);

    assertThat(textOf(call.get(5, TimeUnit.SECONDS))).isEqualTo("call");
    assertThat(received.await(5, TimeUnit.SECONDS)).isTrue();
    closed.get(5, TimeUnit.SECONDS);
    assertThat(client.isTerminated()).isTrue();
    assertThat(client.stats().oneWaySent()).isEqualTo(oneWays);
  }

  @Test
  void shutdownNowFailsEveryPendingCallAtOnce() throws Exception {
    Queue<BytesMessage> held = new ConcurrentLinkedQueue<>();
    CountDownLatch arrived = new CountDownLatch(5);
    Server server = server(ANY_LOOPBACK, bytesSpec().build(), (r, id, m) -> {
      held.add(m);
      arrived.countDown();
    });
    closeables.add(() -> held.forEach(BytesMessage::release));
    ClientTransport<BytesMessage> client = client(server.localAddress(), bytesSpec().build());
    List<CompletableFuture<BytesMessage>> calls = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      calls.add(client.send(message(i, "x"), Duration.ofHours(1)));
    }
    assertThat(arrived.await(5, TimeUnit.SECONDS)).isTrue();

    client.shutdownNow();

    for (CompletableFuture<BytesMessage> c : calls) {
      assertThatThrownBy(() -> c.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(TransportClosedException.class);
    }
    client.terminationFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void oversizedRequestIsRefusedByTheServerBeforeAllocationAndTheCallFailsAtOnce() throws Exception {
    AtomicInteger routed = new AtomicInteger();
    Server server = server(ANY_LOOPBACK, bytesSpec().packetCodec(new LengthPrefixedPacketCodec(1024)).build(),
        (r, id, m) -> {
          routed.incrementAndGet();
          r.send(m);
        });
    ClientTransport<BytesMessage> client = client(server.localAddress(), bytesSpec().build());
    assertThat(textOf(client.send(message(1, "small")).get(5, TimeUnit.SECONDS))).isEqualTo("small");

    CompletableFuture<BytesMessage> big = client.send(message(2, "y".repeat(4096)), Duration.ofHours(1));

    assertThatThrownBy(() -> big.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectionClosedException.class);
    assertThat(routed.get()).isEqualTo(1);
    // The server is still up for new connections.
    assertThat(textOf(client.send(message(3, "again")).get(5, TimeUnit.SECONDS))).isEqualTo("again");
  }

  @Test
  void oversizedResponseIsRefusedByTheClientCodec() throws Exception {
    Server server = server(ANY_LOOPBACK, bytesSpec().build(),
        (r, id, m) -> {
          m.release();
          r.send(message(id, "z".repeat(4096)));
        });
    ClientTransport<BytesMessage> client = client(server.localAddress(),
        bytesSpec().packetCodec(new LengthPrefixedPacketCodec(1024)).build());
    CompletableFuture<BytesMessage> call = client.send(message(1, "q"), Duration.ofHours(1));
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> call.get(5, TimeUnit.SECONDS));
    assertThat(e.getCause()).isInstanceOf(ConnectionClosedException.class);
    assertThat(e.getCause().getCause()).isInstanceOf(io.listenrain.codec.FrameTooLargeException.class);
  }

  @Test
  void serverAnswersLaterFromAnotherThreadAndOnlyOnce() throws Exception {
    CompletableFuture<ServerResponse<BytesMessage>> pending = new CompletableFuture<>();
    Queue<BytesMessage> requests = new ConcurrentLinkedQueue<>();
    Server server = server(ANY_LOOPBACK, bytesSpec().build(), (r, id, m) -> {
      requests.add(m);
      pending.complete(r);
    });
    ClientTransport<BytesMessage> client = client(server.localAddress(), bytesSpec().build());
    CompletableFuture<BytesMessage> call = client.send(message(11, "question"));
    ServerResponse<BytesMessage> response = pending.get(5, TimeUnit.SECONDS);
    assertThat(call).isNotDone();

    CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> {
      requests.poll().release();
      response.send(message(11, "answer"));
    }, callbacks);
    answered.get(5, TimeUnit.SECONDS);

    assertThat(textOf(call.get(5, TimeUnit.SECONDS))).isEqualTo("answer");
    BytesMessage second = message(11, "again");
    assertThatThrownBy(() -> response.send(second)).isInstanceOf(IllegalStateException.class);
    assertThat(second.refCnt()).isZero();
    assertThat(response.isAnswered()).isTrue();
  }

  @Test
  void replyWithAnotherMsgIdIsRejected() throws Exception {
    CompletableFuture<Throwable> error = new CompletableFuture<>();
    Server server = server(ANY_LOOPBACK, bytesSpec().build(), (r, id, m) -> {
      m.release();
      try {
        r.send(message(id + 1, "wrong"));
        error.complete(null);
      } catch (IllegalArgumentException e) {
        error.complete(e);
      }
    });
    ClientTransport<BytesMessage> client = client(server.localAddress(), bytesSpec().build());
    client.sendOneWay(message(5, "q"));
    assertThat(error.get(5, TimeUnit.SECONDS)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void oneWayMessagesReachTheServerAndStrayAnswersAreCounted() throws Exception {
    Queue<String> got = new ConcurrentLinkedQueue<>();
    Server server = server(ANY_LOOPBACK, bytesSpec().build(), (r, id, m) -> {
      got.add(id + ":" + m.payload().toString(java.nio.charset.StandardCharsets.UTF_8));
      r.send(m); // a one-way message needs no answer; this one gets one anyway
    });
    ClientTransport<BytesMessage> client = client(server.localAddress(), bytesSpec().build());
    client.sendOneWay(message(1, "fire"));
    client.sendOneWay(message(1, "and forget")); // one-way messages may share msgIds: nothing is in flight

    await().atMost(Duration.ofSeconds(5)).until(() -> client.stats().unmatchedResponses() == 2);
    assertThat(got).containsExactlyInAnyOrder("1:fire", "1:and forget"); // routers may run concurrently
    assertThat(client.stats().oneWaySent()).isEqualTo(2);
    assertThat(client.stats().callsStarted()).isZero();
  }

  @Test
  void cancellingAFutureEndsTheCallAndDropsTheLateResponse() throws Exception {
    Queue<ServerResponse<BytesMessage>> responses = new ConcurrentLinkedQueue<>();
    Queue<BytesMessage> requests = new ConcurrentLinkedQueue<>();
    Server server = server(ANY_LOOPBACK, bytesSpec().build(), (r, id, m) -> {
      requests.add(m);
      responses.add(r);
    });
    ClientTransport<BytesMessage> client = client(server.localAddress(), bytesSpec().build());
    CompletableFuture<BytesMessage> call = client.send(message(3, "x"), Duration.ofHours(1));
    await().atMost(Duration.ofSeconds(5)).until(() -> responses.size() == 1);

    assertThat(call.cancel(false)).isTrue();
    assertThatThrownBy(call::join).isInstanceOf(CancellationException.class);
    assertThat(client.stats().inFlight()).isZero();
    responses.poll().send(requests.poll());

    await().atMost(Duration.ofSeconds(5)).until(() -> client.stats().unmatchedResponses() == 1);
    client.tickNow();
    assertThat(client.timerSize()).isZero();
  }

  @Test
  void presetPrefaceIsSentByClientsAndCheckedByServers() throws Exception {
    byte[] preface = "LRN1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    Server server = server(ANY_LOOPBACK, bytesSpec().preface(preface).build(), echo());
    ClientTransport<BytesMessage> good = client(server.localAddress(), bytesSpec().preface(preface).build());
    assertThat(textOf(good.send(message(1, "hello")).get(5, TimeUnit.SECONDS))).isEqualTo("hello");

    ClientTransport<BytesMessage> bad = client(server.localAddress(), bytesSpec().build());
    assertThatThrownBy(() -> bad.send(message(1, "hello"), Duration.ofHours(1)).get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void fullOutboundQueuePushesBackWithQueueFullException() throws Exception {
    // A peer that accepts and never reads: the socket and then the queue (2 packets) fill up.
    try (ServerSocket silent = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      ClientTransport<BytesMessage> client = client(
          new InetSocketAddress("127.0.0.1", silent.getLocalPort()),
          bytesSpec().packetQueues(() -> PacketQueues.bounded(2)).build());
      client.sendOneWay(message(-1, "connect first"));
      String big = "b".repeat(256 * 1024);
      List<CompletableFuture<BytesMessage>> accepted = new ArrayList<>();
      BytesMessage refused = null;
      for (int i = 0; i < 1000 && refused == null; i++) {
        BytesMessage m = message(i, big);
        try {
          accepted.add(client.send(m, Duration.ofHours(1)));
        } catch (QueueFullException e) {
          refused = m;
        }
      }
      assertThat(refused).as("a send was refused").isNotNull();
      assertThat(refused.refCnt()).as("refused request released").isZero();
      assertThat(client.stats().inFlight()).isEqualTo(accepted.size());
      assertThat(client.stats().callsStarted()).isEqualTo(accepted.size());

      client.shutdownNow();
      for (CompletableFuture<BytesMessage> c : accepted) {
        assertThatThrownBy(() -> c.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(TransportClosedException.class);
      }
    }
  }
}
