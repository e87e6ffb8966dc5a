package io.listenrain.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.grpc.ListenRainServerBuilder;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Server-side limits and shutdown seen through real stubs: each must affect only what it is meant to. Not covered by
 * the interop suite, which uses one call at a time and default limits.
 */
class ListenRainServerLimitsTest {
  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void tearDown() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private EchoServiceGrpc.EchoServiceStub start(ListenRainServerBuilder builder, Echo echo) throws Exception {
    server = builder.addService(echo).build().start();
    channel = ListenRainChannelBuilder.forSocketAddress(server.getListenSockets().get(0)).build();
    return EchoServiceGrpc.newStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  @Test
  void callsBeyondMaxConcurrentCallsWaitAndThenRun() throws Exception {
    Echo echo = new Echo();
    EchoServiceGrpc.EchoServiceStub stub = start(
        ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).maxConcurrentCallsPerConnection(2),
        echo);
    int calls = 8;
    List<CompletableFuture<String>> results = new ArrayList<>();
    List<StreamObserver<EchoRequest>> requests = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      CompletableFuture<String> result = new CompletableFuture<>();
      results.add(result);
      requests.add(stub.clientStream(new StreamObserver<>() {
        @Override
        public void onNext(EchoResponse value) {
          result.complete(value.getPayload().toStringUtf8());
        }

        @Override
        public void onError(Throwable t) {
          result.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {}
      }));
      requests.get(i).onNext(request("call " + i));
    }
    // Every call is open before any finishes; the server never runs more than two at once.
    for (StreamObserver<EchoRequest> r : requests) {
      r.onCompleted();
    }
    for (int i = 0; i < calls; i++) {
      assertThat(results.get(i).get(20, TimeUnit.SECONDS)).isEqualTo("6");
    }
    assertThat(echo.maxConcurrent.get()).isBetween(1, 2);
  }

  @Test
  void requestMetadataAboveTheServerLimitFailsOnlyThatCall() throws Exception {
    start(ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).maxInboundMetadataSize(1024),
        new Echo());
    Metadata big = new Metadata();
    big.put(Metadata.Key.of("big", Metadata.ASCII_STRING_MARSHALLER), "x".repeat(2048));
    EchoServiceGrpc.EchoServiceBlockingStub blocking = EchoServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS);

    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> blocking.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(big)).echo(request("big")));
    assertThat(e).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(blocking.echo(request("small")).getPayload().toStringUtf8()).isEqualTo("small");
  }

  @Test
  void gracefulServerShutdownLetsTheCallInFlightFinish() throws Exception {
    Echo echo = new Echo();
    EchoServiceGrpc.EchoServiceStub stub = start(
        ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), echo);
    LinkedBlockingQueue<String> responses = new LinkedBlockingQueue<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<EchoRequest> call = stub.bidiStream(new StreamObserver<>() {
      @Override
      public void onNext(EchoResponse value) {
        responses.add(value.getPayload().toStringUtf8());
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        done.complete(null);
      }
    });
    call.onNext(request("one"));
    assertThat(responses.poll(10, TimeUnit.SECONDS)).isEqualTo("one");

    server.shutdown();
    // The call in flight keeps working...
    call.onNext(request("two"));
    assertThat(responses.poll(10, TimeUnit.SECONDS)).isEqualTo("two");
    assertThat(server.isTerminated()).isFalse();
    // ...new calls do not start...
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).echo(request("new")));
    assertThat(e).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    // ...and the server terminates once the last call is done.
    call.onCompleted();
    done.get(10, TimeUnit.SECONDS);
    assertThat(server.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  private static EchoRequest request(String s) {
    return EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8(s)).build();
  }

  /** Echo that answers a client stream with its byte total and counts how many calls run at once. */
  private static final class Echo extends EchoServiceGrpc.EchoServiceImplBase {
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxConcurrent = new AtomicInteger();

    @Override
    public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
      out.onNext(EchoResponse.newBuilder().setPayload(request.getPayload()).build());
      out.onCompleted();
    }

    @Override
    public StreamObserver<EchoRequest> clientStream(StreamObserver<EchoResponse> out) {
      maxConcurrent.accumulateAndGet(running.incrementAndGet(), Math::max);
      return new StreamObserver<>() {
        private int bytes;

        @Override
        public void onNext(EchoRequest value) {
          bytes += value.getPayload().size();
        }

        @Override
        public void onError(Throwable t) {
          running.decrementAndGet();
        }

        @Override
        public void onCompleted() {
          running.decrementAndGet();
          out.onNext(EchoResponse.newBuilder().setPayload(ByteString.copyFromUtf8(Integer.toString(bytes))).build());
          out.onCompleted();
        }
      };
    }

    @Override
    public StreamObserver<EchoRequest> bidiStream(StreamObserver<EchoResponse> out) {
      return new StreamObserver<>() {
        @Override
        public void onNext(EchoRequest value) {
          out.onNext(EchoResponse.newBuilder().setPayload(value.getPayload()).build());
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          out.onCompleted();
        }
      };
    }
  }
}
