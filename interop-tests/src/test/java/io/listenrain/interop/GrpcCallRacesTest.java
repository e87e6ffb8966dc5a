package io.listenrain.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.grpc.ListenRainServerBuilder;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import io.listenrain.testing.FaultProxy;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The four ways a call can end, racing on every call of a tight loop of 10,000 (50 batches of 200 concurrent calls):
 * the response (sent after a random 0–10 ms), the deadline (0.5–10.5 ms for three calls in four, 200 ms for the rest),
 * a cancel from another thread (a third of the calls, after 0–10 ms) and the connection being reset under it (every
 * tenth batch, at a random moment, through {@link FaultProxy}). Each call's listener must see exactly one
 * {@code onClose}, at most one message and never a message after the close; no call may hang; no buffer may leak
 * (PARANOID detection with {@code LeakCheckExtension}). The gRPC twin of the native
 * {@code client.ClientTransportRacesTest}.
 */
class GrpcCallRacesTest {
  private static final int BATCHES = 50;
  private static final int BATCH = 200;
  private static final long SEED = 19L;
  /** Answers, cancels and resets come after 0 to this many microseconds; most deadlines are 0.5 ms to this + 0.5. */
  private static final int MAX_DELAY_MICROS = 10_000;

  private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
  private Server server;
  private FaultProxy proxy;
  private ManagedChannel channel;

  @AfterEach
  void tearDown() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (proxy != null) {
      proxy.close();
    }
    timers.shutdownNow();
  }

  /** One call's listener: counts what it is told, and fails the count if anything comes after the close. */
  private static final class CountingListener extends ClientCall.Listener<EchoResponse> {
    final AtomicInteger closes = new AtomicInteger();
    final AtomicInteger messages = new AtomicInteger();
    final AtomicInteger afterClose = new AtomicInteger();
    final CountDownLatch done;
    volatile Status status;

    CountingListener(CountDownLatch done) {
      this.done = done;
    }

    @Override
    public void onHeaders(Metadata headers) {
      if (closes.get() > 0) {
        afterClose.incrementAndGet();
      }
    }

    @Override
    public void onMessage(EchoResponse message) {
      messages.incrementAndGet();
      if (closes.get() > 0) {
        afterClose.incrementAndGet();
      }
    }

    @Override
    public void onClose(Status s, Metadata trailers) {
      status = s;
      if (closes.incrementAndGet() == 1) {
        done.countDown();
      }
    }
  }

  @Test
  void responseDeadlineCancelAndConnectionResetRaceOnTenThousandCallsAndEachCallClosesExactlyOnce()
      throws Exception {
    Random serverRandom = new Random(SEED + 1);
    server = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new EchoServiceGrpc.EchoServiceImplBase() {
          @Override
          public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
            long delayMicros;
            synchronized (serverRandom) {
              delayMicros = serverRandom.nextInt(MAX_DELAY_MICROS);
            }
            timers.schedule(() -> {
              try {
                out.onNext(EchoResponse.newBuilder().setPayload(request.getPayload()).build());
                out.onCompleted();
              } catch (RuntimeException cancelled) {
                // the call was cancelled or timed out meanwhile: the stub refuses to answer, which is the race
              }
            }, delayMicros, TimeUnit.MICROSECONDS);
          }
        })
        .build().start();
    proxy = FaultProxy.start((InetSocketAddress) server.getListenSockets().get(0));
    channel = ListenRainChannelBuilder.forSocketAddress(proxy.address()).build();

    Random random = new Random(SEED);
    List<CountingListener> all = new ArrayList<>(BATCHES * BATCH);
    for (int b = 0; b < BATCHES; b++) {
      CountDownLatch done = new CountDownLatch(BATCH);
      if (b % 10 == 9) {
        timers.schedule(proxy::resetAll, random.nextInt(MAX_DELAY_MICROS), TimeUnit.MICROSECONDS);
      }
      for (int i = 0; i < BATCH; i++) {
        CountingListener listener = new CountingListener(done);
        all.add(listener);
        // A quarter of the calls get time enough to be answered even on a busy machine; the rest race the answer.
        long deadlineMicros = random.nextInt(4) == 0 ? 200_000 : 500 + random.nextInt(MAX_DELAY_MICROS);
        ClientCall<EchoRequest, EchoResponse> call = channel.newCall(EchoServiceGrpc.getEchoMethod(),
            CallOptions.DEFAULT.withDeadlineAfter(deadlineMicros, TimeUnit.MICROSECONDS));
        call.start(listener, new Metadata());
        call.request(1);
        call.sendMessage(EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8("race " + b + "/" + i)).build());
        call.halfClose();
        if (random.nextInt(3) == 0) {
          timers.schedule(() -> call.cancel("raced by a cancel", null), random.nextInt(MAX_DELAY_MICROS),
              TimeUnit.MICROSECONDS);
        }
      }
      assertThat(done.await(30, TimeUnit.SECONDS)).as("batch %d: every call closed", b).isTrue();
    }

    Map<Status.Code, Integer> outcomes = new EnumMap<>(Status.Code.class);
    for (CountingListener l : all) {
      assertThat(l.closes.get()).as("onClose calls").isEqualTo(1);
      assertThat(l.messages.get()).as("messages").isLessThanOrEqualTo(1);
      assertThat(l.afterClose.get()).as("callbacks after onClose").isZero();
      if (l.status.isOk()) {
        assertThat(l.messages.get()).as("an OK call got its response").isEqualTo(1);
      }
      outcomes.merge(l.status.getCode(), 1, Integer::sum);
    }
    System.out.println("race outcomes over " + all.size() + " calls: " + outcomes + ", connections "
        + proxy.acceptedCount());
    // The races really happened: each way of ending won some calls.
    assertThat(outcomes).containsKeys(Status.Code.OK, Status.Code.DEADLINE_EXCEEDED, Status.Code.CANCELLED,
        Status.Code.UNAVAILABLE);
    // And the channel still works afterwards.
    EchoResponse r = EchoServiceGrpc.newBlockingStub(channel).withWaitForReady()
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8("after")).build());
    assertThat(r.getPayload().toStringUtf8()).isEqualTo("after");
  }
}
