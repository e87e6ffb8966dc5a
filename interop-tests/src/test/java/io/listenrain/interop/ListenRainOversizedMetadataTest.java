package io.listenrain.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.grpc.ListenRainServerBuilder;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A server application that puts more metadata on one call than the client accepts fails that call, not the
 * connection: another call in flight on the same connection carries on. The sizes cover both limits: above the
 * client's advertised metadata limit (8 KiB) and above the largest frame the protocol carries (1 MiB).
 */
class ListenRainOversizedMetadataTest {
  private static final Metadata.Key<byte[]> BIG = Metadata.Key.of("big-bin", Metadata.BINARY_BYTE_MARSHALLER);
  private static final Metadata.Key<String> WHERE = Metadata.Key.of("big-where", Metadata.ASCII_STRING_MARSHALLER);

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

  @ParameterizedTest(name = "{0} bytes in {1}")
  @ValueSource(strings = {"16384:headers", "16384:trailers", "2097152:headers", "2097152:trailers"})
  void oversizedResponseMetadataFailsOnlyItsCall(String sizeAndPlace) throws Exception {
    server = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(new Echo(), new BigMetadata()))
        .build().start();
    channel = ListenRainChannelBuilder.forSocketAddress(server.getListenSockets().get(0)).build();

    // A call that stays open across the failing one, on the same connection.
    LinkedBlockingQueue<EchoResponse> responses = new LinkedBlockingQueue<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<EchoRequest> bystander = EchoServiceGrpc.newStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
        .bidiStream(new StreamObserver<>() {
          @Override
          public void onNext(EchoResponse value) {
            responses.add(value);
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
    bystander.onNext(request("before"));
    assertThat(responses.poll(10, TimeUnit.SECONDS).getPayload().toStringUtf8()).isEqualTo("before");

    Metadata ask = new Metadata();
    ask.put(WHERE, sizeAndPlace);
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> EchoServiceGrpc.newBlockingStub(channel)
            .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(ask))
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .echo(request("big")));
    assertThat(e).as("the call with oversized metadata fails").isNotNull();
    assertThat(e.getStatus().getCode()).isIn(Status.Code.RESOURCE_EXHAUSTED, Status.Code.INTERNAL);

    bystander.onNext(request("after"));
    EchoResponse after = responses.poll(10, TimeUnit.SECONDS);
    assertThat(after).as("the other call still answers").isNotNull();
    assertThat(after.getPayload().toStringUtf8()).isEqualTo("after");
    bystander.onCompleted();
    done.get(10, TimeUnit.SECONDS);
  }

  private static EchoRequest request(String s) {
    return EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8(s)).build();
  }

  /** Adds {@code size} bytes of binary metadata to the response headers or trailers, as the request header asks. */
  private static final class BigMetadata implements ServerInterceptor {
    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
        ServerCallHandler<ReqT, RespT> next) {
      String ask = headers.get(WHERE);
      if (ask == null) {
        return next.startCall(call, headers);
      }
      String[] parts = ask.split(":");
      byte[] big = new byte[Integer.parseInt(parts[0])];
      boolean inHeaders = parts[1].equals("headers");
      return next.startCall(new SimpleForwardingServerCall<>(call) {
        @Override
        public void sendHeaders(Metadata responseHeaders) {
          if (inHeaders) {
            responseHeaders.put(BIG, big);
          }
          super.sendHeaders(responseHeaders);
        }

        @Override
        public void close(Status status, Metadata trailers) {
          if (!inHeaders) {
            trailers.put(BIG, big);
          }
          super.close(status, trailers);
        }
      }, headers);
    }
  }

  /** Unary and bidirectional echo. */
  private static final class Echo extends EchoServiceGrpc.EchoServiceImplBase {
    @Override
    public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
      out.onNext(EchoResponse.newBuilder().setPayload(request.getPayload()).build());
      out.onCompleted();
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
