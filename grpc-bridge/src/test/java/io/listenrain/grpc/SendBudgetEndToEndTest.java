package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The send budget over real loopback TCP with grpc-java's channel and server: callers that wait for {@code onReady}
 * keep the client connection's queued request bytes near the budget, calls waiting for readiness end cleanly, and a
 * server over its budget holds back credit without stalling the calls.
 */
class SendBudgetEndToEndTest {
  private static final int BUDGET = 1024 * 1024;
  private static final int MESSAGE = 512 * 1024;
  /** Echo as a client-streaming call: its HEADERS go out at once, so the call can wait for readiness first. */
  private static final MethodDescriptor<EchoRequest, EchoResponse> ECHO_WHEN_READY = EchoServiceGrpc.getEchoMethod()
      .toBuilder().setType(MethodDescriptor.MethodType.CLIENT_STREAMING).build();

  private Server server;
  private ManagedChannel channel;
  private final List<ListenRainClientTransport> transports = new CopyOnWriteArrayList<>();
  private final List<ListenRainServerTransport> serverTransports = new CopyOnWriteArrayList<>();

  private void start(Object service) throws Exception {
    start(service, Long.MAX_VALUE, TransportConfig.DEFAULT_FLOW_CONTROL_WINDOW);
  }

  private void start(Object service, long serverBudget, int clientWindow) throws Exception {
    ListenRainServerBuilder sb = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .maxQueuedSendBytesPerConnection(serverBudget);
    sb.config().serverTransportCreated = serverTransports::add;
    sb.addService((io.grpc.BindableService) service);
    server = sb.build().start();
    ListenRainChannelBuilder cb = ListenRainChannelBuilder.forSocketAddress(server.getListenSockets().get(0))
        .usePlaintext()
        .flowControlWindow(clientWindow)
        .maxQueuedSendBytesPerConnection(BUDGET);
    cb.config().sendBudgetHoldNanos = TimeUnit.SECONDS.toNanos(60); // every grant is used: no lapse muddles the bound
    cb.config().clientTransportCreated = transports::add;
    channel = cb.build();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    TestShutdown.shutdownNow(channel, server);
  }

  /** A call that sends its one request when (and only when) it is first ready. */
  private static final class EchoWhenReady extends ClientCall.Listener<EchoResponse> {
    final ClientCall<EchoRequest, EchoResponse> call;
    final EchoRequest request;
    final CompletableFuture<EchoResponse> response = new CompletableFuture<>();
    final AtomicBoolean readySeen = new AtomicBoolean();
    private volatile EchoResponse received;

    EchoWhenReady(ManagedChannel channel, EchoRequest request) {
      this.call = channel.newCall(ECHO_WHEN_READY, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS));
      this.request = request;
    }

    void start() {
      call.start(this, new Metadata());
      call.request(1);
    }

    @Override
    public void onReady() {
      if (readySeen.compareAndSet(false, true)) {
        call.sendMessage(request);
        call.halfClose();
      }
    }

    @Override
    public void onMessage(EchoResponse message) {
      received = message;
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      if (status.isOk() && received != null) {
        response.complete(received);
      } else {
        response.completeExceptionally(status.asRuntimeException());
      }
    }
  }

  private static EchoRequest request(int size, int seed) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return EchoRequest.newBuilder().setPayload(ByteString.copyFrom(b)).build();
  }

  @Test
  void callersWaitingForReadinessNeverQueueMoreThanTheBudgetPlusOneMessage() throws Exception {
    start(new EchoServiceImpl());
    int calls = 16;
    List<EchoWhenReady> all = new CopyOnWriteArrayList<>();
    for (int i = 0; i < calls; i++) {
      all.add(new EchoWhenReady(channel, request(MESSAGE, i)));
    }
    all.forEach(EchoWhenReady::start); // all at once: readiness, not the caller, must pace them

    for (EchoWhenReady c : all) {
      EchoResponse r = c.response.get(60, TimeUnit.SECONDS);
      assertThat(r.getPayload()).isEqualTo(c.request.getPayload());
    }
    assertThat(transports).hasSize(1);
    long peak = transports.get(0).peakQueuedSendBytes().get(10, TimeUnit.SECONDS);
    long oneMessage = all.get(0).request.getSerializedSize() + 5L; // with the gRPC message prefix
    assertThat(peak).as("peak queued request bytes").isGreaterThanOrEqualTo(MESSAGE)
        .isLessThanOrEqualTo(BUDGET + oneMessage);
  }

  @Test
  void aServerOverItsSendBudgetHoldsBackCreditAndEveryCallStillCompletes() throws Exception {
    // Any queued response byte is over a 1-byte budget, and a 64 KiB client window makes each 512 KiB response take
    // several round trips: requests keep arriving while responses wait.
    start(new EchoServiceImpl(), 1, 64 * 1024);
    List<EchoWhenReady> all = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 16; i++) {
      all.add(new EchoWhenReady(channel, request(MESSAGE, i)));
    }
    all.forEach(EchoWhenReady::start);

    for (EchoWhenReady c : all) {
      assertThat(c.response.get(60, TimeUnit.SECONDS).getPayload()).isEqualTo(c.request.getPayload());
    }
    assertThat(serverTransports).hasSize(1);
    assertThat(serverTransports.get(0).creditHolds()).as("times the server held back credit").isPositive();
  }

  /** A client stream whose server never asks for a message: its requests stay queued on the client. */
  private static final class StalledService extends EchoServiceGrpc.EchoServiceImplBase {
    @Override
    public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
      out.onNext(EchoResponse.newBuilder().setPayload(request.getPayload()).build());
      out.onCompleted();
    }

    @Override
    public StreamObserver<EchoRequest> clientStream(StreamObserver<EchoResponse> out) {
      ((ServerCallStreamObserver<EchoResponse>) out).disableAutoRequest();
      return new StreamObserver<>() {
        @Override
        public void onNext(EchoRequest value) {}

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      };
    }
  }

  @Test
  void aCallCancelledWhileWaitingForReadinessEndsCleanlyAndIsNeverReady() throws Exception {
    start(new StalledService());
    ClientCall<EchoRequest, EchoResponse> stalled = channel.newCall(EchoServiceGrpc.getClientStreamMethod(),
        CallOptions.DEFAULT);
    CompletableFuture<Status> stalledClosed = new CompletableFuture<>();
    stalled.start(new ClientCall.Listener<>() {
      @Override
      public void onClose(Status status, Metadata trailers) {
        stalledClosed.complete(status);
      }
    }, new Metadata());
    // Ignores readiness: 3 MiB go out, the server's windows (1 MiB) take one, the rest stays queued over the budget.
    stalled.sendMessage(request(3 * 1024 * 1024, 7));
    ListenRainClientTransport transport = await().atMost(Duration.ofSeconds(10)).until(
        () -> transports.isEmpty() ? null : transports.get(0), t -> t != null);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> transport.peakQueuedSendBytes().get(10, TimeUnit.SECONDS) >= 2L * 1024 * 1024);

    EchoWhenReady waiting = new EchoWhenReady(channel, request(16, 1));
    waiting.start();
    await().atMost(Duration.ofSeconds(10))
        .until(() -> transport.streamsWaitingForReadiness().get(10, TimeUnit.SECONDS) == 1);
    assertThat(waiting.call.isReady()).isFalse();

    waiting.call.cancel("no longer needed", null);
    assertThat(waiting.response).failsWithin(Duration.ofSeconds(10))
        .withThrowableThat().withMessageContaining("CANCELLED");
    assertThat(transport.streamsWaitingForReadiness().get(10, TimeUnit.SECONDS)).isZero();
    assertThat(waiting.readySeen).as("a cancelled waiting call is never made ready").isFalse();

    stalled.cancel("done", null);
    assertThat(stalledClosed.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.CANCELLED);
    // The connection survives: a plain call still works.
    EchoResponse r = EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(request(16, 2));
    assertThat(r).isNotNull();
  }
}
