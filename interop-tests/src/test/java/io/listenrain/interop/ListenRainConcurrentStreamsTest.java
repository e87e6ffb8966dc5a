package io.listenrain.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.grpc.ListenRainServerBuilder;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many bidirectional streams at once on one TCP connection, each echoing random payloads of up to a few frames, with
 * the interop window (65 KiB) and with the tiny-frames configuration (1 KiB windows, small watermarks): the streams
 * compete for the connection window and interleave their frames, and every stream must still get its own bytes back,
 * in order. The interop suite runs one call at a time, so it does not exercise this.
 */
class ListenRainConcurrentStreamsTest {
  private static final int STREAMS = 16;
  private static final int MESSAGES_PER_STREAM = 8;
  private static final int MAX_PAYLOAD = 80_000;

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

  @ParameterizedTest(name = "window {0}")
  @ValueSource(ints = {ListenRainTinyFramesInteropTest.WINDOW, 65 * 1024})
  void concurrentStreamsEachGetTheirOwnBytesBackInOrder(int window) throws Exception {
    ListenRainServerBuilder sb = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .flowControlWindow(window)
        .addService(new BidiEcho());
    if (window == ListenRainTinyFramesInteropTest.WINDOW) {
      sb.maxFrameSize(ListenRainTinyFramesInteropTest.FRAME_SIZE)
          .channelOptions(ListenRainTinyFramesInteropTest.SMALL_BUFFERS);
    }
    server = sb.build().start();
    ListenRainChannelBuilder cb = ListenRainChannelBuilder.forSocketAddress(server.getListenSockets().get(0)).flowControlWindow(window);
    if (window == ListenRainTinyFramesInteropTest.WINDOW) {
      cb.maxFrameSize(ListenRainTinyFramesInteropTest.FRAME_SIZE)
          .channelOptions(ListenRainTinyFramesInteropTest.SMALL_BUFFERS);
    }
    channel = cb.build();
    EchoServiceGrpc.EchoServiceStub stub = EchoServiceGrpc.newStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);

    Random random = new Random(window);
    List<List<ByteString>> sent = new ArrayList<>();
    List<ConcurrentLinkedQueue<ByteString>> received = new ArrayList<>();
    List<CompletableFuture<Void>> done = new ArrayList<>();
    List<StreamObserver<EchoRequest>> requests = new ArrayList<>();
    for (int s = 0; s < STREAMS; s++) {
      ConcurrentLinkedQueue<ByteString> in = new ConcurrentLinkedQueue<>();
      CompletableFuture<Void> finished = new CompletableFuture<>();
      received.add(in);
      done.add(finished);
      sent.add(new ArrayList<>());
      requests.add(stub.bidiStream(new StreamObserver<>() {
        @Override
        public void onNext(EchoResponse value) {
          in.add(value.getPayload());
        }

        @Override
        public void onError(Throwable t) {
          finished.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
          finished.complete(null);
        }
      }));
    }
    // Round-robin over the streams so their messages are in flight together.
    for (int m = 0; m < MESSAGES_PER_STREAM; m++) {
      for (int s = 0; s < STREAMS; s++) {
        byte[] b = new byte[random.nextInt(MAX_PAYLOAD + 1)];
        random.nextBytes(b);
        ByteString payload = ByteString.copyFrom(b);
        sent.get(s).add(payload);
        requests.get(s).onNext(EchoRequest.newBuilder().setPayload(payload).build());
      }
    }
    requests.forEach(StreamObserver::onCompleted);
    CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);

    for (int s = 0; s < STREAMS; s++) {
      List<ByteString> got = new ArrayList<>(received.get(s));
      assertThat(got).as("stream %d", s).hasSize(MESSAGES_PER_STREAM);
      for (int m = 0; m < MESSAGES_PER_STREAM; m++) {
        assertThat(got.get(m).equals(sent.get(s).get(m))).as("stream %d message %d", s, m).isTrue();
      }
    }
  }

  /** Answers every request with its own payload. */
  private static final class BidiEcho extends EchoServiceGrpc.EchoServiceImplBase {
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
