package io.listenrain.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.listenrain.channel.InProcessAddress;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.grpc.ListenRainServerBuilder;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random, non-zero payloads of sizes that straddle the 64 KiB DATA frame size, echoed on one bidirectional stream:
 * every byte must come back as sent. The interop suite's payloads are all zeros, so there a corrupted byte shows only
 * when it happens to hit a length prefix; here any corruption fails the comparison.
 *
 * <p>This is the regression test for DATA payloads that the deframer still holds (retained slices of the connection's
 * read cumulation) being overwritten when the connection compacts the cumulation after a read.
 */
class ListenRainPayloadIntegrityTest {
  private static final int MESSAGES = 150;
  private static final int MAX_PAYLOAD = 200_000;

  @TempDir
  Path dir;

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

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "unix", "pipe"})
  void bidiStreamEchoesEveryPayloadByteForByte(String kind) throws Exception {
    SocketAddress bind;
    switch (kind) {
      case "tcp":
        bind = new InetSocketAddress("127.0.0.1", 0);
        break;
      case "unix":
        Path socket = Files.createDirectories(dir).resolve("echo.sock");
        bind = UnixDomainSocketAddress.of(socket);
        break;
      default:
        bind = new InProcessAddress("payload-integrity-" + System.nanoTime());
        break;
    }
    server = ListenRainServerBuilder.forAddress(bind).addService(new BidiEcho()).build().start();
    channel = ListenRainChannelBuilder.forSocketAddress(server.getListenSockets().get(0)).build();

    LinkedBlockingQueue<EchoResponse> responses = new LinkedBlockingQueue<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<EchoRequest> requests = EchoServiceGrpc.newStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
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

    Random random = new Random(20261125L);
    ByteString[] sent = new ByteString[MESSAGES];
    for (int i = 0; i < MESSAGES; i++) {
      byte[] b = new byte[1 + random.nextInt(MAX_PAYLOAD)];
      random.nextBytes(b);
      sent[i] = ByteString.copyFrom(b);
      requests.onNext(EchoRequest.newBuilder().setPayload(sent[i]).build());
    }
    requests.onCompleted();
    done.get(60, TimeUnit.SECONDS);

    assertThat(responses).hasSize(MESSAGES);
    for (int i = 0; i < MESSAGES; i++) {
      ByteString got = responses.poll().getPayload();
      assertThat(got.size()).as("size of message %d", i).isEqualTo(sent[i].size());
      assertThat(got.equals(sent[i])).as("bytes of message %d", i).isTrue();
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
