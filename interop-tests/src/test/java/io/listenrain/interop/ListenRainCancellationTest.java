package io.listenrain.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Calls that end early while megabytes are queued in both directions (client cancel, server error, deadline), with
 * the interop window and the tiny one: each ends with its own status, the connection keeps serving, and every queued
 * buffer is released (the class fails on a leak).
 */
class ListenRainCancellationTest {
  private static final int CALLS = 20;

  private Server server;
  private ManagedChannel channel;
  /** Several windows' worth, so data is always queued; capped so the 1 KiB window run stays a few seconds long. */
  private ByteString payload;

  @AfterEach
  void tearDown() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest(name = "window {0}")
  @ValueSource(ints = {ListenRainTinyFramesInteropTest.WINDOW, 65 * 1024})
  void callsEndingEarlyReleaseTheirQueuedDataAndLeaveTheConnectionUsable(int window) throws Exception {
    payload = ByteString.copyFrom(new byte[Math.min(256 * 1024, 16 * window)]);
    server = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .flowControlWindow(window)
        .addService(new Flood(payload))
        .build().start();
    channel = ListenRainChannelBuilder.forSocketAddress(server.getListenSockets().get(0))
        .flowControlWindow(window)
        .build();

    List<CompletableFuture<Status>> clientCancelled = new ArrayList<>();
    List<CompletableFuture<Status>> serverFailed = new ArrayList<>();
    List<CompletableFuture<Status>> timedOut = new ArrayList<>();
    for (int i = 0; i < CALLS; i++) {
      clientCancelled.add(flood("cancel", 0));
      serverFailed.add(flood("fail", 0));
      timedOut.add(flood("wait", 50));
    }
    for (int i = 0; i < CALLS; i++) {
      assertThat(clientCancelled.get(i).get(30, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.CANCELLED);
      assertThat(serverFailed.get(i).get(30, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.ABORTED);
      assertThat(timedOut.get(i).get(30, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    }

    EchoResponse r = EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setPayload(payload).build());
    assertThat(r.getPayload()).isEqualTo(payload);
  }

  /**
   * A bidi call that sends four large messages while the server floods it back. "cancel": the client cancels after
   * the first response; "fail": the server ends the call with ABORTED after its first response; "wait": the call runs
   * into its deadline.
   */
  private CompletableFuture<Status> flood(String mode, long deadlineMillis) {
    CompletableFuture<Status> ended = new CompletableFuture<>();
    EchoServiceGrpc.EchoServiceStub stub = EchoServiceGrpc.newStub(channel)
        .withDeadlineAfter(deadlineMillis > 0 ? deadlineMillis : 30_000, TimeUnit.MILLISECONDS);
    StreamObserver<EchoRequest> requests = stub.bidiStream(new ClientResponseObserver<EchoRequest, EchoResponse>() {
      private ClientCallStreamObserver<EchoRequest> call;

      @Override
      public void beforeStart(ClientCallStreamObserver<EchoRequest> requestStream) {
        call = requestStream;
      }

      @Override
      public void onNext(EchoResponse value) {
        if (mode.equals("cancel")) {
          call.cancel("enough", null);
        }
      }

      @Override
      public void onError(Throwable t) {
        ended.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        ended.complete(Status.OK);
      }
    });
    for (int i = 0; i < 4; i++) {
      requests.onNext(EchoRequest.newBuilder().setPayload(payload).setResponseCount(mode.equals("fail") ? 1 : 0)
          .build());
    }
    return ended;
  }

  /** For each request, answers with many large responses; a request with response_count 1 fails the call instead. */
  private static final class Flood extends EchoServiceGrpc.EchoServiceImplBase {
    private final ByteString payload;

    Flood(ByteString payload) {
      this.payload = payload;
    }

    @Override
    public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
      out.onNext(EchoResponse.newBuilder().setPayload(request.getPayload()).build());
      out.onCompleted();
    }

    @Override
    public StreamObserver<EchoRequest> bidiStream(StreamObserver<EchoResponse> out) {
      return new StreamObserver<>() {
        private boolean failed;

        @Override
        public void onNext(EchoRequest value) {
          if (failed) {
            return;
          }
          for (int i = 0; i < 4; i++) {
            out.onNext(EchoResponse.newBuilder().setPayload(payload).build());
          }
          if (value.getResponseCount() == 1) {
            failed = true;
            out.onError(Status.ABORTED.withDescription("server gives up").asRuntimeException());
          }
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          if (!failed) {
            out.onCompleted();
          }
        }
      };
    }
  }
}
