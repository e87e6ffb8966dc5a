package io.listenrain.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Calls started, with large messages already written, on a channel whose connection attempts are refused: every
 * call ends with UNAVAILABLE long before its deadline (no wait-for-ready), and nothing buffered for the connection
 * that never came leaks (the class fails on a leak).
 */
class ListenRainUnreachableServerTest {
  private ManagedChannel channel;

  @AfterEach
  void tearDown() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void callsToAPortNobodyListensOnFailFastAndReleaseTheirMessages() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again at once: connections to it are refused
    }
    channel = ListenRainChannelBuilder.forSocketAddress(new InetSocketAddress("127.0.0.1", port)).build();
    EchoServiceGrpc.EchoServiceStub stub = EchoServiceGrpc.newStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    EchoRequest big = EchoRequest.newBuilder().setPayload(ByteString.copyFrom(new byte[200_000])).build();

    List<CompletableFuture<Status>> ended = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      CompletableFuture<Status> end = new CompletableFuture<>();
      ended.add(end);
      StreamObserver<EchoRequest> requests = stub.bidiStream(new StreamObserver<>() {
        @Override
        public void onNext(EchoResponse value) {
          end.complete(Status.INTERNAL.withDescription("a response from nowhere"));
        }

        @Override
        public void onError(Throwable t) {
          end.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
          end.complete(Status.OK);
        }
      });
      requests.onNext(big);
      requests.onNext(big);
    }
    for (CompletableFuture<Status> end : ended) {
      assertThat(end.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }
  }
}
