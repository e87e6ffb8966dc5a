package io.listenrain.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.grpc.ListenRainServerBuilder;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import io.listenrain.testing.FaultProxy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * 500 gRPC clients (one ManagedChannel each, each calling in a loop) while their server is killed and restarted on the
 * same port. Every dial goes through a counting {@link FaultProxy}; while the server is down the proxy accepts and
 * resets, so each failed connect is counted. The clients must back off with jitter (grpc's policy: 1 s, ×1.6, ±20 %),
 * not redial on every call; all must recover once the server is back; and shutting all 500 down from several threads
 * while they reconnect must terminate every one (no deadlock). The gRPC twin of the native
 * {@code client.ReconnectStormTest}.
 */
class GrpcReconnectStormTest {
  private static final int CLIENTS = 500;
  private static final long CALL_INTERVAL_MILLIS = 250;

  /** One client: calls echo, then again {@link #CALL_INTERVAL_MILLIS} after the previous call ended. */
  private static final class Client {
    final ManagedChannel channel;
    final EchoServiceGrpc.EchoServiceStub stub;
    volatile long lastSuccessNanos;

    Client(ManagedChannel channel) {
      this.channel = channel;
      this.stub = EchoServiceGrpc.newStub(channel);
    }

    void loop(ScheduledExecutorService timer, AtomicBoolean stop) {
      if (stop.get()) {
        return;
      }
      stub.withDeadlineAfter(5, TimeUnit.SECONDS)
          .echo(EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8("ping")).build(), new StreamObserver<>() {
            @Override
            public void onNext(EchoResponse value) {}

            @Override
            public void onError(Throwable t) {
              next();
            }

            @Override
            public void onCompleted() {
              lastSuccessNanos = System.nanoTime();
              next();
            }

            private void next() {
              if (!stop.get()) {
                timer.schedule(() -> loop(timer, stop), CALL_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
              }
            }
          });
    }
  }

  private static Server startServer(int port) throws IOException {
    return ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .addService(new HoldingEchoService())
        .build().start();
  }

  private static boolean allSucceededAfter(List<Client> clients, long nanos) {
    return clients.stream().allMatch(c -> c.lastSuccessNanos - nanos > 0);
  }

  /** Dials the proxy accepted in [from, to). */
  private static List<Long> dialsBetween(FaultProxy proxy, long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long t : proxy.acceptTimesNanos()) {
      if (t - from >= 0 && t - to < 0) {
        out.add(t);
      }
    }
    return out;
  }

  /** The most dials inside any window of {@code window} (times must be sorted). */
  private static int maxInWindow(List<Long> times, Duration window) {
    int max = 0;
    int lo = 0;
    for (int hi = 0; hi < times.size(); hi++) {
      while (times.get(hi) - times.get(lo) >= window.toNanos()) {
        lo++;
      }
      max = Math.max(max, hi - lo + 1);
    }
    return max;
  }

  @Test
  void fiveHundredClientsBackOffWithJitterRecoverAfterARestartAndShutDownWithoutDeadlock() throws Exception {
    Server server = startServer(0);
    int port = ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
    FaultProxy proxy = FaultProxy.start(new InetSocketAddress("127.0.0.1", port));
    ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    AtomicBoolean stop = new AtomicBoolean();
    List<Client> clients = new ArrayList<>(CLIENTS);
    try {
      for (int i = 0; i < CLIENTS; i++) {
        clients.add(new Client(ListenRainChannelBuilder.forSocketAddress(proxy.address()).build()));
      }
      long started = System.nanoTime();
      clients.forEach(c -> c.loop(timer, stop));
      await().atMost(Duration.ofSeconds(60)).until(() -> allSucceededAfter(clients, started));
      assertThat(proxy.acceptedCount()).as("one connection per client").isEqualTo(CLIENTS);

      // Kill the server. Keep it down until most clients have failed twice: the dial right after the loss, and the
      // first redial after a backoff.
      long killed = System.nanoTime();
      long acceptedBefore = proxy.acceptedCount();
      server.shutdownNow();
      assertThat(server.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      await().atMost(Duration.ofSeconds(30))
          .until(() -> proxy.acceptedCount() - acceptedBefore >= 2L * CLIENTS * 9 / 10);
      long restarted = System.nanoTime();
      server = startServer(port);
      await().atMost(Duration.ofSeconds(30)).until(() -> allSucceededAfter(clients, restarted));
      long recovered = System.nanoTime();

      List<Long> outage = dialsBetween(proxy, killed, restarted);
      List<Long> all = dialsBetween(proxy, killed, recovered);
      int perSecond = maxInWindow(all, Duration.ofSeconds(1));
      int per100ms = maxInWindow(all, Duration.ofMillis(100));
      // The redial wave: each client dials once when its connection is lost (the first CLIENTS dials after the
      // kill); the dials after those, while the server was still down, are redials after a backoff.
      List<Long> wave = outage.size() > CLIENTS ? outage.subList(CLIENTS, outage.size()) : List.of();
      long waveSpreadMs = wave.size() < 10 ? 0 : TimeUnit.NANOSECONDS.toMillis(
          wave.get(wave.size() * 9 / 10) - wave.get(wave.size() / 10));
      System.out.printf(Locale.ROOT,
          "storm: %d clients; %d dials while down (%d ms), %d until all recovered (%d ms after the"
              + " restart); most dials in 1 s: %d, in 100 ms: %d; redial wave: %d dials, 10-90%% spread %d ms%n",
          CLIENTS, outage.size(), TimeUnit.NANOSECONDS.toMillis(restarted - killed), all.size(),
          TimeUnit.NANOSECONDS.toMillis(recovered - restarted), perSecond, per100ms, wave.size(), waveSpreadMs);

      long outageSeconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(restarted - killed));
      // Backoff: from 1 s, ×1.6. Within the outage a client dials about once per backoff step, whatever its call
      // rate (4 calls per second here); redialing on every call would mean ~4 dials per client per second.
      assertThat(outage.size()).as("dials while the server was down")
          .isLessThanOrEqualTo((int) (CLIENTS * (2 + outageSeconds)));
      // The loss wave and the first redial wave can fall in one second (2 × clients); redialing on every call would
      // be 4 × clients per second.
      assertThat(perSecond).as("most dials in any second").isLessThanOrEqualTo(5 * CLIENTS / 2);
      // Jitter (±20 % of 1 s) spreads the redial wave over hundreds of milliseconds instead of one instant.
      assertThat(waveSpreadMs).as("spread of the redial wave, ms").isGreaterThanOrEqualTo(100);

      // Kill it again, and shut every channel down from four threads while they are redialing.
      long acceptedBeforeSecondKill = proxy.acceptedCount();
      server.shutdownNow();
      assertThat(server.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      await().atMost(Duration.ofSeconds(30))
          .until(() -> proxy.acceptedCount() - acceptedBeforeSecondKill >= CLIENTS / 2);
      server = startServer(port); // back while they shut down: some channels are mid-connect
      stop.set(true);
      ExecutorService closers = Executors.newFixedThreadPool(4);
      List<CompletableFuture<Void>> closed = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int from = t;
        closed.add(CompletableFuture.runAsync(() -> {
          for (int i = from; i < CLIENTS; i += 4) {
            if (i % 2 == 0) {
              clients.get(i).channel.shutdownNow();
            } else {
              clients.get(i).channel.shutdown();
            }
          }
        }, closers));
      }
      CompletableFuture.allOf(closed.toArray(new CompletableFuture<?>[0])).get(20, TimeUnit.SECONDS);
      closers.shutdown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      for (Client c : clients) {
        assertThat(c.channel.awaitTermination(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS))
            .as("every channel terminates").isTrue();
      }
    } finally {
      stop.set(true);
      for (Client c : clients) {
        c.channel.shutdownNow();
      }
      timer.shutdownNow();
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      proxy.close();
    }
  }
}
