package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Many large unary calls at once over one real TCP connection, with a small call started after them: every call
 * completes with its own payload, and the small call does not wait for all the large ones (the outbound scheduler
 * lets it through after at most a turn of large data per direction).
 */
class LargeConcurrentMessagesTest {
  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void tearDown() throws InterruptedException {
    TestShutdown.shutdownNow(channel, server);
  }

  private static StreamObserver<EchoResponse> completing(CompletableFuture<EchoResponse> f) {
    return new StreamObserver<>() {
      @Override
      public void onNext(EchoResponse value) {
        f.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        f.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        f.completeExceptionally(new AssertionError("completed without a response"));
      }
    };
  }

  @ParameterizedTest(name = "{0} x {1} bytes")
  @CsvSource({"64, 262144", "16, 4193280"}) // 4 MiB less 1 KiB: within the default 4 MiB limit
  void concurrentLargeCallsAllCompleteAndASmallCallIsNotBehindThemAll(int calls, int size) throws Exception {
    server = ListenRainServerBuilder.forAddress(TransportKind.TCP.bindAddress())
        .addService(new EchoServiceImpl()).build().start();
    channel = ListenRainChannelBuilder.forSocketAddress(server.getListenSockets().get(0)).usePlaintext().build();
    EchoServiceGrpc.EchoServiceStub stub = EchoServiceGrpc.newStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    // Warm the connection so that every call below shares one ready transport.
    EchoServiceGrpc.newBlockingStub(channel).echo(EchoRequest.newBuilder().build());

    AtomicInteger largeDone = new AtomicInteger();
    List<CompletableFuture<EchoResponse>> large = new ArrayList<>();
    List<ByteString> sent = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      byte[] data = new byte[size];
      for (int j = i; j < size; j += 1021) {
        data[j] = (byte) (i + j);
      }
      ByteString payload = ByteString.copyFrom(data);
      sent.add(payload);
      CompletableFuture<EchoResponse> f = new CompletableFuture<>();
      f.whenComplete((r, t) -> largeDone.incrementAndGet());
      large.add(f);
      stub.echo(EchoRequest.newBuilder().setPayload(payload).build(), completing(f));
    }
    CompletableFuture<EchoResponse> small = new CompletableFuture<>();
    CompletableFuture<Integer> largeDoneWhenSmallDone = small.thenApply(r -> largeDone.get());
    stub.echo(EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8("small")).build(), completing(small));

    assertThat(small.get(60, TimeUnit.SECONDS).getPayload().toStringUtf8()).isEqualTo("small");
    for (int i = 0; i < calls; i++) {
      assertThat(large.get(i).get(60, TimeUnit.SECONDS).getPayload()).isEqualTo(sent.get(i));
    }
    assertThat(largeDoneWhenSmallDone.get(1, TimeUnit.SECONDS)).isLessThan(calls);
  }
}
