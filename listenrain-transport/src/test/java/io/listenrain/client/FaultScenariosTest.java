package io.listenrain.client;

import static io.listenrain.testing.NativeFixtures.ANY_LOOPBACK;
import static io.listenrain.testing.NativeFixtures.bytesSpec;
import static io.listenrain.testing.NativeFixtures.message;
import static io.listenrain.testing.NativeFixtures.textOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.listenrain.codec.BytesMessage;
import io.listenrain.codec.FrameTooLargeException;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.config.ReconnectPolicy;
import io.listenrain.config.TransportKey;
import io.listenrain.errors.CallTimeoutException;
import io.listenrain.errors.ConnectionClosedException;
import io.listenrain.errors.ReadTimeoutException;
import io.listenrain.server.Server;
import io.listenrain.server.ServerResponse;
import io.listenrain.server.ServerRouter;
import io.listenrain.server.ServerTransports;
import io.listenrain.testing.FaultProxy.Direction;
import io.listenrain.testing.FaultProxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The native client and server over real TCP with a {@link FaultProxy} between them: resets, a killed server,
 * blackholes, corruption and 1-byte splits. Every wait is bounded and on a condition.
 */
class FaultScenariosTest {
  private final List<AutoCloseable> closeables = new ArrayList<>();
  /** Requests the holding router left unanswered. */
  private final Queue<ServerResponse<BytesMessage>> held = new ConcurrentLinkedQueue<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  /** Echoes, except requests whose text starts with "hold": those are never answered. */
  private ServerRouter<BytesMessage> holdingEcho() {
    return (response, msgId, m) -> {
      if (m.payload().toString(java.nio.charset.StandardCharsets.UTF_8).startsWith("hold")) {
        m.release();
        held.add(response);
      } else {
        response.send(m);
      }
    };
  }

  private Server server(InetSocketAddress address) throws Exception {
    Server s = ServerTransports.listen(address, bytesSpec().build(), holdingEcho());
    closeables.add(s::shutdownNow);
    return s;
  }

  private FaultProxy proxy(Server server) throws Exception {
    FaultProxy p = FaultProxy.start((InetSocketAddress) server.localAddress());
    closeables.add(p);
    return p;
  }

  private ClientTransport<BytesMessage> client(InetSocketAddress address, ProtocolSpec<BytesMessage> spec) {
    ClientTransport<BytesMessage> t = new ClientTransport<>(TransportKey.of("bytes", address), spec);
    closeables.add(t::shutdownNow);
    return t;
  }

  private static String echoOf(ClientTransport<BytesMessage> client, long id, String text) throws Exception {
    return textOf(client.send(message(id, text), Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS));
  }

  /** Sends {@code n} calls the server holds, and waits until the server has them all. */
  private List<CompletableFuture<BytesMessage>> outstanding(ClientTransport<BytesMessage> client, int first, int n,
      Duration deadline) {
    int before = held.size();
    List<CompletableFuture<BytesMessage>> calls = new ArrayList<>();
    for (int i = first; i < first + n; i++) {
      calls.add(client.send(message(i, "hold " + i), deadline));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == before + n);
    return calls;
  }

  /** Waits for every call to fail; returns the time the last one took to fail after {@code t0}. */
  private static Duration allFail(List<CompletableFuture<BytesMessage>> calls, long t0,
      Class<? extends Throwable> type) {
    CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).handle((v, e) -> null).join();
    long t1 = System.nanoTime();
    for (CompletableFuture<BytesMessage> c : calls) {
      assertThatThrownBy(c::join).cause().isInstanceOf(type);
    }
    return Duration.ofNanos(t1 - t0);
  }

  @Test
  void resetByTheNetworkFailsEveryOutstandingCallWithinOneSecondAndTheNextCallRedials() throws Exception {
    Server server = server(ANY_LOOPBACK);
    FaultProxy proxy = proxy(server);
    ClientTransport<BytesMessage> client = client(proxy.address(), bytesSpec().build());
    assertThat(echoOf(client, 0, "warm")).isEqualTo("warm");
    List<CompletableFuture<BytesMessage>> calls = outstanding(client, 1, 200, Duration.ofSeconds(30));

    long t0 = System.nanoTime();
    proxy.resetAll();
    assertThat(allFail(calls, t0, ConnectionClosedException.class)).isLessThan(Duration.ofSeconds(1));

    client.tickNow();
    assertThat(client.timerSize()).isZero();
    assertThat(client.stats().inFlight()).isZero();
    assertThat(echoOf(client, 1000, "again")).isEqualTo("again");
    assertThat(client.stats().connects()).isEqualTo(2);
  }

  @Test
  void serverShutdownNowFailsOutstandingCallsAndClientsRecoverWhenItIsBack() throws Exception {
    Server server = server(ANY_LOOPBACK);
    InetSocketAddress address = (InetSocketAddress) server.localAddress();
    ClientTransport<BytesMessage> client = client(address, bytesSpec()
        .reconnectPolicy(ReconnectPolicy.of(Duration.ofMillis(20), Duration.ofMillis(100), 1.6, 0.2,
            Integer.MAX_VALUE))
        .build());
    assertThat(echoOf(client, 0, "warm")).isEqualTo("warm");
    List<CompletableFuture<BytesMessage>> calls = outstanding(client, 1, 200, Duration.ofSeconds(30));
    CompletableFuture<BytesMessage> shortDeadline = client.send(message(500, "hold short"), Duration.ofMillis(300));

    long t0 = System.nanoTime();
    server.shutdownNow();
    calls.add(shortDeadline);
    assertThat(allFail(calls, t0, ConnectionClosedException.class)).isLessThan(Duration.ofSeconds(1));
    server.closeFuture().get(5, TimeUnit.SECONDS);
    client.tickNow();
    assertThat(client.timerSize()).isZero();

    // While the server is down, calls fail fast (refused dial, then backoff) rather than hang.
    assertThatThrownBy(() -> client.send(message(600, "down"), Duration.ofSeconds(30)).get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(ConnectionClosedException.class);

    server(address); // back on the same port
    long[] id = {700};
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
      long i = id[0]++;
      try {
        return echoOf(client, i, "back").equals("back");
      } catch (ExecutionException e) {
        return false; // still backing off, or the dial raced the bind
      }
    });
  }

  @Test
  void serverThatAcceptsAndDropsEveryConnectionIsRedialedWithBackoffNotOnEveryCall() throws Exception {
    Server server = server(ANY_LOOPBACK);
    FaultProxy proxy = proxy(server).refuseUpstream(true); // accepts, then resets at once
    ClientTransport<BytesMessage> client = client(proxy.address(), bytesSpec()
        .reconnectPolicy(ReconnectPolicy.of(Duration.ofMillis(100), Duration.ofSeconds(1), 1.6, 0.2,
            Integer.MAX_VALUE))
        .build());
    int calls = 200;
    java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(calls);
    java.util.concurrent.ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    try {
      pacer.scheduleAtFixedRate(() -> { // one call every 5 ms for about a second
        int i = next.getAndIncrement();
        if (i < calls) {
          client.send(message(i, "x"), Duration.ofSeconds(5)).whenComplete((m, e) -> {
            if (m != null) {
              m.release();
            }
            ended.countDown();
          });
        }
      }, 0, 5, TimeUnit.MILLISECONDS);
      assertThat(ended.await(20, TimeUnit.SECONDS)).isTrue();
    } finally {
      pacer.shutdownNow();
    }
    // 100 ms, 160, 256, 410, 655 ms...: about 6 dials in a second, not one per call.
    assertThat(proxy.acceptedCount()).as("connections dialed").isLessThanOrEqualTo(15);

    proxy.refuseUpstream(false);
    long[] id = {1000};
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
      try {
        return echoOf(client, id[0]++, "up").equals("up");
      } catch (ExecutionException e) {
        return false;
      }
    });
  }

  @Test
  void blackholedCallFailsByItsDeadlineAndNotLater() throws Exception {
    Server server = server(ANY_LOOPBACK);
    FaultProxy proxy = proxy(server);
    ClientTransport<BytesMessage> client = client(proxy.address(), bytesSpec().build());
    assertThat(echoOf(client, 0, "warm")).isEqualTo("warm");

    proxy.blackhole(true);
    Duration deadline = Duration.ofMillis(300);
    long t0 = System.nanoTime();
    CompletableFuture<BytesMessage> call = client.send(message(1, "into the void"), deadline);
    assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(CallTimeoutException.class);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertThat(took).isGreaterThanOrEqualTo(deadline).isLessThan(deadline.plusMillis(500));

    // No keepalive on native protocols: the half-open connection is not noticed and stays the current one.
    proxy.blackhole(false);
    assertThat(echoOf(client, 2, "through")).isEqualTo("through");
    assertThat(client.stats().connects()).isEqualTo(1);
  }

  @Test
  void readTimeoutNoticesABlackholeBeforeTheCallsDeadlinesAndTheNextCallRedials() throws Exception {
    Server server = server(ANY_LOOPBACK);
    FaultProxy proxy = proxy(server);
    Duration readTimeout = Duration.ofMillis(300);
    ClientTransport<BytesMessage> client = client(proxy.address(), bytesSpec().readTimeout(readTimeout).build());
    assertThat(echoOf(client, 0, "warm")).isEqualTo("warm");

    proxy.blackhole(true);
    long t0 = System.nanoTime();
    List<CompletableFuture<BytesMessage>> calls = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      calls.add(client.send(message(i, "lost " + i), Duration.ofSeconds(30)));
    }
    Duration took = allFail(calls, t0, ConnectionClosedException.class);
    assertThat(took).isGreaterThanOrEqualTo(readTimeout).isLessThan(readTimeout.plusMillis(500));
    assertThat(calls.get(0)).failsWithin(Duration.ZERO).withThrowableThat().havingRootCause()
        .isInstanceOf(ReadTimeoutException.class);

    proxy.blackhole(false);
    assertThat(echoOf(client, 100, "fresh")).isEqualTo("fresh");
    assertThat(client.stats().connects()).isEqualTo(2);
  }

  @Test
  void oneByteSplitsInBothDirectionsDecodeIdentically() throws Exception {
    Server server = server(ANY_LOOPBACK);
    FaultProxy proxy = proxy(server).splitWrites(true);
    ClientTransport<BytesMessage> client = client(proxy.address(), bytesSpec().build());
    List<CompletableFuture<BytesMessage>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      calls.add(client.send(message(i, "split " + i + " " + "x".repeat(i)), Duration.ofSeconds(30)));
    }
    for (int i = 0; i < 200; i++) {
      assertThat(textOf(calls.get(i).get(30, TimeUnit.SECONDS))).isEqualTo("split " + i + " " + "x".repeat(i));
    }
    assertThat(client.stats().connects()).isEqualTo(1);
  }

  @Test
  void corruptedHighByteOfAResponseLengthClosesWithFrameTooLarge() throws Exception {
    Server server = server(ANY_LOOPBACK);
    FaultProxy proxy = proxy(server).corrupt(Direction.TO_CLIENT, 0, 0x40);
    ClientTransport<BytesMessage> client = client(proxy.address(), bytesSpec()
        .reconnectPolicy(ReconnectPolicy.of(Duration.ofMillis(50), Duration.ofMillis(50), 1, 0, Integer.MAX_VALUE))
        .build());
    CompletableFuture<BytesMessage> call = client.send(message(1, "corrupt me"), Duration.ofSeconds(30));
    assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).cause()
        .isInstanceOf(ConnectionClosedException.class)
        .cause().isInstanceOf(FrameTooLargeException.class);
    proxy.clearCorruption(Direction.TO_CLIENT);
    // A protocol error right after connecting backs off like a failed connect; after the delay the client redials.
    await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> echoOf(client, 2, "clean").equals("clean"));
  }

  @Test
  void corruptedRequestLengthMakesTheServerCloseAndTheCallFailsAtOnce() throws Exception {
    Server server = server(ANY_LOOPBACK);
    FaultProxy proxy = proxy(server).corrupt(Direction.TO_SERVER, 0, 0x40);
    ClientTransport<BytesMessage> client = client(proxy.address(), bytesSpec().build());
    CompletableFuture<BytesMessage> call = client.send(message(1, "corrupt me"), Duration.ofSeconds(30));
    assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(ConnectionClosedException.class);
    await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 0);
  }

  @Test
  void corruptedLowByteOfAResponseLengthDesynchronisesTheStreamButCallsStillEndByTheirDeadline()
      throws Exception {
    Server server = server(ANY_LOOPBACK);
    // The length 0x12 of the first response becomes 0x12 ^ 0x20 = 0x32: the client waits for bytes that never come.
    FaultProxy proxy = proxy(server).corrupt(Direction.TO_CLIENT, 3, 0x20);
    ClientTransport<BytesMessage> client = client(proxy.address(), bytesSpec().build());
    Duration deadline = Duration.ofMillis(300);
    long t0 = System.nanoTime();
    CompletableFuture<BytesMessage> call = client.send(message(1, "0123456789"), deadline);
    assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(CallTimeoutException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(deadline.plusMillis(500));
  }

  @Test
  void latencyAndBandwidthSlowCallsDownWithoutBreakingThem() throws Exception {
    Server server = server(ANY_LOOPBACK);
    FaultProxy proxy = proxy(server).latency(Duration.ofMillis(50));
    ClientTransport<BytesMessage> client = client(proxy.address(), bytesSpec().build());
    long t0 = System.nanoTime();
    assertThat(echoOf(client, 1, "slow")).isEqualTo("slow");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(100));

    proxy.latency(Duration.ZERO).bandwidth(100_000); // 100 kB/s: a 20 kB echo takes at least 0.2 s each way
    String big = "b".repeat(20_000);
    t0 = System.nanoTime();
    assertThat(echoOf(client, 2, big)).isEqualTo(big);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(350));
  }

  @Test
  void halfCloseTowardsTheClientFailsItsCallsAtOnce() throws Exception {
    Server server = server(ANY_LOOPBACK);
    FaultProxy proxy = proxy(server);
    ClientTransport<BytesMessage> client = client(proxy.address(), bytesSpec().build());
    assertThat(echoOf(client, 0, "warm")).isEqualTo("warm");
    List<CompletableFuture<BytesMessage>> calls = outstanding(client, 1, 10, Duration.ofSeconds(30));
    long t0 = System.nanoTime();
    proxy.halfClose(Direction.TO_CLIENT);
    assertThat(allFail(calls, t0, ConnectionClosedException.class)).isLessThan(Duration.ofSeconds(1));
  }
}
