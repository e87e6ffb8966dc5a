package io.listenrain.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.grpc.ListenRainServerBuilder;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #12, finding 9: a rolling restart under load fails no call. Three servers behind one channel
 * ({@code listenrain://a,b,c}, round robin); 300 calls in flight at all times (each held 20–80 ms by the server), a new
 * one started as soon as one ends, plus a burst of 500 started as each shutdown begins; each server in turn is shut
 * down gracefully, awaited and started again on the same port. The two-step drain (docs/PROTOCOL.md §6) lets every call racing a GOAWAY either run on the draining server or
 * move to another one: 0 failed calls, no tolerance.
 */
class GrpcRollingRestartTest {
  private static final int SERVERS = 3;
  private static final int IN_FLIGHT = 300;
  /** Calls started all at once just as each server begins to drain. */
  private static final int BURST = 500;

  /** Answers after 20–80 ms; counts what it served per incarnation. */
  private static final class SlowEcho extends EchoServiceGrpc.EchoServiceImplBase {
    final ScheduledExecutorService timer;
    final AtomicInteger served = new AtomicInteger();

    SlowEcho(ScheduledExecutorService timer) {
      this.timer = timer;
    }

    @Override
    public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
      served.incrementAndGet();
      timer.schedule(() -> {
        out.onNext(EchoResponse.newBuilder().setPayload(request.getPayload()).build());
        out.onCompleted();
      }, ThreadLocalRandom.current().nextInt(20, 80), TimeUnit.MILLISECONDS);
    }
  }

  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
  private final Server[] servers = new Server[SERVERS];
  private final SlowEcho[] services = new SlowEcho[SERVERS];
  private final int[] ports = new int[SERVERS];
  private ManagedChannel channel;

  @AfterEach
  void tearDown() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    for (Server s : servers) {
      if (s != null) {
        s.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    }
    timer.shutdownNow();
  }

  private void start(int i) throws Exception {
    services[i] = new SlowEcho(timer);
    servers[i] = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", ports[i]))
        .addService(services[i]).build().start();
    ports[i] = ((InetSocketAddress) servers[i].getListenSockets().get(0)).getPort();
  }

  @Test
  void restartingEachServerInTurnUnderLoadFailsNoCall() throws Exception {
    StringBuilder target = new StringBuilder("listenrain://");
    for (int i = 0; i < SERVERS; i++) {
      start(i);
      target.append(i == 0 ? "" : ",").append("127.0.0.1:").append(ports[i]);
    }
    channel = ListenRainChannelBuilder.forTarget(target.toString()).build();
    EchoServiceGrpc.EchoServiceStub stub = EchoServiceGrpc.newStub(channel);
    EchoServiceGrpc.EchoServiceBlockingStub warm = EchoServiceGrpc.newBlockingStub(channel).withWaitForReady()
        .withDeadlineAfter(20, TimeUnit.SECONDS);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
      warm.echo(EchoRequest.getDefaultInstance());
      return services[0].served.get() > 0 && services[1].served.get() > 0 && services[2].served.get() > 0;
    });

    Semaphore slots = new Semaphore(IN_FLIGHT);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong started = new AtomicLong();
    AtomicLong ok = new AtomicLong();
    List<String> failures = new CopyOnWriteArrayList<>();
    Map<String, Integer> failureKinds = new ConcurrentHashMap<>();
    Semaphore burstSlots = new Semaphore(0);
    // One call; {@code done} is released when it ends, whatever the outcome.
    java.util.function.Consumer<Semaphore> call = done -> {
      long n = started.incrementAndGet();
      String payload = "call " + n;
      stub.withDeadlineAfter(30, TimeUnit.SECONDS).echo(
          EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8(payload)).build(), new StreamObserver<>() {
            private boolean matched;

            @Override
            public void onNext(EchoResponse value) {
              matched = value.getPayload().toStringUtf8().equals(payload);
            }

            @Override
            public void onError(Throwable t) {
              Status s = Status.fromThrowable(t);
              failures.add(payload + ": " + s);
              failureKinds.merge(s.getCode() + " " + s.getDescription(), 1, Integer::sum);
              done.release();
            }

            @Override
            public void onCompleted() {
              if (matched) {
                ok.incrementAndGet();
              } else {
                failures.add(payload + ": wrong or no response");
              }
              done.release();
            }
          });
    };
    Thread load = new Thread(() -> {
      try {
        while (running.get()) {
          slots.acquire();
          call.accept(slots);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "rolling-restart-load");
    load.start();

    long t0 = System.nanoTime();
    for (int i = 0; i < SERVERS; i++) {
      int before = services[i].served.get();
      long startedBefore = started.get();
      // Under load: the calls in flight keep the server busy until it drains.
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> started.get() - startedBefore >= IN_FLIGHT);
      servers[i].shutdown();
      // And a burst racing the GOAWAY, on top of the steady load.
      for (int b = 0; b < BURST; b++) {
        call.accept(burstSlots);
      }
      assertThat(servers[i].awaitTermination(20, TimeUnit.SECONDS)).as("server %d drained", i).isTrue();
      assertThat(services[i].served.get()).as("calls server %d served", i).isGreaterThan(before);
      start(i);
      int idx = i;
      // Back in the rotation before the next one goes: it serves calls again.
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> services[idx].served.get() > 0);
    }
    running.set(false);
    load.join(10_000);
    assertThat(slots.tryAcquire(IN_FLIGHT, 30, TimeUnit.SECONDS)).as("every call ended").isTrue();
    assertThat(burstSlots.tryAcquire(BURST * SERVERS, 30, TimeUnit.SECONDS)).as("every burst call ended").isTrue();
    System.out.printf(Locale.ROOT,
        "rolling restart: %d servers restarted in %d ms, %d calls, %d ok, %d failed %s%n", SERVERS,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), started.get(), ok.get(), failures.size(),
        failureKinds);
    assertThat(failures).as("failed calls").isEmpty();
    assertThat(ok.get()).isEqualTo(started.get());
  }
}
