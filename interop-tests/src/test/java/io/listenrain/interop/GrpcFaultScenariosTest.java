package io.listenrain.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.listenrain.grpc.InteropConfigHooks;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The network and the server failing under live gRPC calls, through {@link FaultProxy} on loopback: resets, a server
 * killed with {@code shutdownNow}, and a blackhole (a silent peer, no FIN) with and without client keepalive. Every
 * outstanding call must end promptly with the right status, never after its deadline, and the channel must serve
 * again once the fault is gone. The gRPC twin of the native {@code client.FaultScenariosTest}.
 */
class GrpcFaultScenariosTest {
  private static final int UNARY = 100;
  private static final int STREAMS = 100;
  private static final long HELD_DEADLINE_SECONDS = 30;

  private final HoldingEchoService service = new HoldingEchoService();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private Server server;
  private FaultProxy proxy;

  @AfterEach
  void tearDown() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  private Server startServer(int port) throws IOException {
    return ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .permitKeepAliveTime(0, TimeUnit.MILLISECONDS)
        .addService(service)
        .build()
        .start();
  }

  private InetSocketAddress serverAddress() {
    return (InetSocketAddress) server.getListenSockets().get(0);
  }

  private ManagedChannel channel(ListenRainChannelBuilder builder) {
    ManagedChannel c = builder.build();
    channels.add(c);
    return c;
  }

  private static EchoRequest held() {
    return EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8("hold")).setResponseCount(-1).build();
  }

  private static EchoRequest echo(String text) {
    return EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8(text)).build();
  }

  /** Starts {@link #UNARY} held unary calls and {@link #STREAMS} held server streams and waits until all are held. */
  private List<Outcome<EchoResponse>> holdCalls(ManagedChannel channel) {
    EchoServiceGrpc.EchoServiceStub stub = EchoServiceGrpc.newStub(channel)
        .withDeadlineAfter(HELD_DEADLINE_SECONDS, TimeUnit.SECONDS);
    List<Outcome<EchoResponse>> calls = new ArrayList<>();
    for (int i = 0; i < UNARY + STREAMS; i++) {
      Outcome<EchoResponse> o = new Outcome<>();
      calls.add(o);
      if (i < UNARY) {
        stub.echo(held(), o);
      } else {
        stub.serverStream(held(), o);
      }
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> service.held() == UNARY + STREAMS);
    return calls;
  }

  /** Waits for every call to end and returns the longest time from {@code fromNanos} to an end, in ms. */
  private static long awaitAllEnded(List<Outcome<EchoResponse>> calls, long fromNanos, Status.Code expected)
      throws Exception {
    long worst = 0;
    for (Outcome<EchoResponse> o : calls) {
      Status s = o.status.get(HELD_DEADLINE_SECONDS, TimeUnit.SECONDS);
      assertThat(s.getCode()).as("status %s", s).isEqualTo(expected);
      assertThat(o.ends).isEqualTo(1);
      worst = Math.max(worst, TimeUnit.NANOSECONDS.toMillis(o.endNanos - fromNanos));
    }
    return worst;
  }

  @Test
  void resetByTheNetworkFailsEveryOutstandingCallWithinOneSecondAndTheNextCallReconnects() throws Exception {
    server = startServer(0);
    proxy = FaultProxy.start(serverAddress());
    ManagedChannel channel = channel(ListenRainChannelBuilder.forSocketAddress(proxy.address()));
    List<Outcome<EchoResponse>> calls = holdCalls(channel);
    assertThat(calls.subList(UNARY, calls.size())).allSatisfy(o -> assertThat(o.responses).isLessThanOrEqualTo(1));

    long reset = System.nanoTime();
    proxy.resetAll();
    long worstMs = awaitAllEnded(calls, reset, Status.Code.UNAVAILABLE);
    assertThat(worstMs).as("slowest failure after the reset, ms").isLessThan(1_000);
    await().atMost(Duration.ofSeconds(5)).until(() -> service.held() == 0); // the server let go of them too

    EchoResponse r = EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(echo("after the reset"));
    assertThat(r.getPayload().toStringUtf8()).isEqualTo("after the reset");
    assertThat(proxy.acceptedCount()).isEqualTo(2);
  }

  @Test
  void serverShutdownNowFailsOutstandingCallsAndTheChannelRecoversWhenItIsBackOnTheSamePort() throws Exception {
    server = startServer(0);
    int port = serverAddress().getPort();
    ManagedChannel channel = channel(ListenRainChannelBuilder.forSocketAddress(serverAddress()));
    List<Outcome<EchoResponse>> calls = holdCalls(channel);

    long killed = System.nanoTime();
    server.shutdownNow();
    long worstMs = awaitAllEnded(calls, killed, Status.Code.UNAVAILABLE);
    assertThat(worstMs).as("slowest failure after shutdownNow, ms").isLessThan(1_000);
    assertThat(server.awaitTermination(5, TimeUnit.SECONDS)).isTrue();

    // While the server is down a fail-fast call fails at once, it does not wait for its deadline.
    long before = System.nanoTime();
    StatusRuntimeException down = org.assertj.core.api.Assertions.catchThrowableOfType(StatusRuntimeException.class,
        () -> EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).echo(echo("down")));
    assertThat(down).isNotNull();
    assertThat(down.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before)).isLessThan(5_000);

    server = startServer(port);
    EchoResponse r = EchoServiceGrpc.newBlockingStub(channel).withWaitForReady()
        .withDeadlineAfter(20, TimeUnit.SECONDS).echo(echo("back"));
    assertThat(r.getPayload().toStringUtf8()).isEqualTo("back");
  }

  @Test
  void keepAliveDetectsABlackholeWithinIntervalPlusTimeoutAndTheChannelReplacesTheConnection() throws Exception {
    server = startServer(0);
    proxy = FaultProxy.start(serverAddress());
    Duration interval = Duration.ofMillis(200);
    Duration timeout = Duration.ofMillis(300);
    ManagedChannel channel = channel(InteropConfigHooks.keepAlive(
        ListenRainChannelBuilder.forSocketAddress(proxy.address()), interval, timeout));
    List<Outcome<EchoResponse>> calls = holdCalls(channel);

    long blackholed = System.nanoTime();
    proxy.blackhole(true);
    long worstMs = awaitAllEnded(calls, blackholed, Status.Code.UNAVAILABLE);
    // The last read may have come just before the blackhole: a ping after the interval, then the timeout.
    long boundMs = interval.plus(timeout).toMillis() + 700; // slack for a busy 2-core machine
    assertThat(worstMs).as("detection after the blackhole, ms").isLessThan(boundMs);
    System.out.printf(Locale.ROOT, "keepalive %d ms + %d ms noticed the blackhole after %d ms%n",
        interval.toMillis(), timeout.toMillis(), worstMs);

    proxy.blackhole(false);
    EchoResponse r = EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(echo("new connection"));
    assertThat(r.getPayload().toStringUtf8()).isEqualTo("new connection");
    assertThat(proxy.acceptedCount()).isEqualTo(2);
  }

  @Test
  void withoutKeepAliveABlackholedCallEndsByItsDeadlineAndNotLater() throws Exception {
    server = startServer(0);
    proxy = FaultProxy.start(serverAddress());
    ManagedChannel channel = channel(ListenRainChannelBuilder.forSocketAddress(proxy.address()));
    EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).echo(echo("warm"));

    proxy.blackhole(true);
    long deadlineMs = 1_000;
    List<Outcome<EchoResponse>> calls = new ArrayList<>();
    long start = System.nanoTime();
    EchoServiceGrpc.EchoServiceStub stub = EchoServiceGrpc.newStub(channel)
        .withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS);
    for (int i = 0; i < 20; i++) {
      Outcome<EchoResponse> o = new Outcome<>();
      calls.add(o);
      if (i % 2 == 0) {
        stub.echo(echo("lost " + i), o);
      } else {
        stub.serverStream(echo("lost " + i), o);
      }
    }
    long worstMs = awaitAllEnded(calls, start, Status.Code.DEADLINE_EXCEEDED);
    assertThat(worstMs).as("end after the start, ms").isBetween(deadlineMs - 50, deadlineMs + 500);
    assertThat(proxy.acceptedCount()).as("no keepalive: the silent connection stays current").isEqualTo(1);
  }
}
