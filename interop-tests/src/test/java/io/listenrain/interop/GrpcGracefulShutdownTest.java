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
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Graceful server shutdown with a second server behind the same channel ({@code listenrain://a,b}, round-robin): what
 * {@code EndToEndTest#gracefulShutdownFinishesInFlightCallsAndRefusesNewOnes} and the interop {@code gracefulShutdown}
 * do not show. Held unary calls and long server streams on the draining server finish with all their responses; new
 * calls move to the other server; calls racing the shutdown run on the draining server or move over, none fails (the
 * two-step drain, docs/PROTOCOL.md §6); a second {@code shutdown} and a
 * {@code shutdownNow} after termination are harmless.
 */
class GrpcGracefulShutdownTest {
  private static final int STREAM_RESPONSES = 100;

  /** Holds unary calls and long streams until {@link #gate} completes; counts the calls it served. */
  private static final class GatedService extends EchoServiceGrpc.EchoServiceImplBase {
    final CompletableFuture<Void> gate = new CompletableFuture<>();
    final AtomicInteger served = new AtomicInteger();
    final AtomicInteger held = new AtomicInteger();

    @Override
    public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
      served.incrementAndGet();
      if (request.getResponseCount() >= 0) {
        out.onNext(EchoResponse.newBuilder().setPayload(request.getPayload()).build());
        out.onCompleted();
        return;
      }
      held.incrementAndGet();
      gate.thenRun(() -> {
        out.onNext(EchoResponse.newBuilder().setPayload(request.getPayload()).build());
        out.onCompleted();
      });
    }

    @Override
    public void serverStream(EchoRequest request, StreamObserver<EchoResponse> out) {
      served.incrementAndGet();
      held.incrementAndGet();
      out.onNext(EchoResponse.newBuilder().setPayload(request.getPayload()).build());
      gate.thenRun(() -> {
        for (int i = 1; i < STREAM_RESPONSES; i++) {
          out.onNext(EchoResponse.newBuilder().setPayload(request.getPayload()).build());
        }
        out.onCompleted();
      });
    }
  }

  private final GatedService serviceA = new GatedService();
  private final GatedService serviceB = new GatedService();
  private Server serverA;
  private Server serverB;
  private ManagedChannel channel;

  @AfterEach
  void tearDown() throws InterruptedException {
    serviceA.gate.complete(null);
    serviceB.gate.complete(null);
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (Server s : new Server[] {serverA, serverB}) {
      if (s != null) {
        s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static Server start(GatedService service) throws IOException {
    return ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build()
        .start();
  }

  private static int port(Server s) {
    return ((InetSocketAddress) s.getListenSockets().get(0)).getPort();
  }

  private EchoServiceGrpc.EchoServiceStub startBoth() throws Exception {
    serverA = start(serviceA);
    serverB = start(serviceB);
    channel = ListenRainChannelBuilder.forTarget("listenrain://127.0.0.1:" + port(serverA) + ",127.0.0.1:"
        + port(serverB)).build();
    EchoServiceGrpc.EchoServiceBlockingStub blocking = EchoServiceGrpc.newBlockingStub(channel)
        .withWaitForReady().withDeadlineAfter(20, TimeUnit.SECONDS);
    // Round-robin reaches both servers once both connections are ready.
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
      blocking.echo(request("warm", 0));
      return serviceA.served.get() > 0 && serviceB.served.get() > 0;
    });
    return EchoServiceGrpc.newStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static EchoRequest request(String text, int responseCount) {
    return EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8(text)).setResponseCount(responseCount).build();
  }

  @Test
  void drainingServerFinishesHeldCallsAndStreamsWhileNewCallsMoveToTheOtherServer() throws Exception {
    EchoServiceGrpc.EchoServiceStub stub = startBoth();
    List<Outcome<EchoResponse>> unary = new ArrayList<>();
    List<Outcome<EchoResponse>> streams = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Outcome<EchoResponse> u = new Outcome<>();
      unary.add(u);
      stub.echo(request("held " + i, -1), u);
      Outcome<EchoResponse> s = new Outcome<>();
      streams.add(s);
      stub.serverStream(request("stream " + i, 0), s);
    }
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> serviceA.held.get() + serviceB.held.get() == 40);
    assertThat(serviceA.held.get()).as("calls held by the server about to drain").isPositive();

    serverA.shutdown();
    int servedByA = serviceA.served.get();
    EchoServiceGrpc.EchoServiceBlockingStub blocking = EchoServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(20, TimeUnit.SECONDS);
    for (int i = 0; i < 50; i++) {
      assertThat(blocking.echo(request("new " + i, 0)).getPayload().toStringUtf8()).isEqualTo("new " + i);
    }
    assertThat(serviceA.served.get()).as("calls the draining server accepted").isEqualTo(servedByA);
    assertThat(serverA.isTerminated()).as("held calls keep the draining server alive").isFalse();

    serviceA.gate.complete(null);
    serviceB.gate.complete(null);
    for (int i = 0; i < 20; i++) {
      assertThat(unary.get(i).status.get(20, TimeUnit.SECONDS).isOk()).isTrue();
      assertThat(unary.get(i).last.getPayload().toStringUtf8()).isEqualTo("held " + i);
      assertThat(streams.get(i).status.get(20, TimeUnit.SECONDS).isOk()).isTrue();
      assertThat(streams.get(i).responses).isEqualTo(STREAM_RESPONSES);
    }
    assertThat(serverA.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(serverA.shutdown()).as("a second shutdown is harmless").isSameAs(serverA);
    serverA.shutdownNow(); // after termination: nothing left to do, nothing thrown
    assertThat(serverA.awaitTermination(1, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void callsRacingAGracefulShutdownRunOnTheDrainingServerOrMoveToTheOtherOneWithoutFailing() throws Exception {
    EchoServiceGrpc.EchoServiceStub stub = startBoth();
    int calls = 400;
    List<Outcome<EchoResponse>> outcomes = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      if (i == calls / 2) {
        serverA.shutdown();
      }
      Outcome<EchoResponse> o = new Outcome<>();
      outcomes.add(o);
      stub.echo(request("race " + i, 0), o);
    }
    List<Status> failed = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      Status s = outcomes.get(i).status.get(30, TimeUnit.SECONDS);
      if (s.isOk()) {
        assertThat(outcomes.get(i).last.getPayload().toStringUtf8()).isEqualTo("race " + i);
      } else {
        failed.add(s);
      }
    }
    System.out.printf(Locale.ROOT,
        "drain race: %d calls, A served %d, B served %d, failed %s%n", calls, serviceA.served.get(),
        serviceB.served.get(), failed);
    assertThat(failed).as("failed calls").isEmpty();
    assertThat(serverA.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }
}
