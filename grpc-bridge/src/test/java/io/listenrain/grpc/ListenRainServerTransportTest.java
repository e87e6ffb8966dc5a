package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import io.listenrain.transport.Connection;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the server transport batches its writes, counted on its {@link Connection} over real loopback TCP, with the
 * direct executor on both sides (handlers run on the I/O threads): a burst of messages shares a flush, a lone call is
 * flushed at once, and the client returns flow-control credit in a few frames, not one per message.
 */
class ListenRainServerTransportTest {
  private static final int MESSAGES = 1_000;
  private static final int SIZE = 1024;

  private Server server;
  private ManagedChannel channel;
  private final CompletableFuture<Connection> serverConnection = new CompletableFuture<>();

  @BeforeEach
  void setUp() throws Exception {
    ListenRainServerBuilder b = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .directExecutor()
        .addService(new PumpingService());
    // Told on the I/O thread, once the connection exists.
    b.config().serverTransportCreated = t -> serverConnection.complete(t.connection());
    server = b.build().start();
    channel = ListenRainChannelBuilder.forSocketAddress(server.getListenSockets().get(0)).usePlaintext()
        .directExecutor().build();
    // One call to open the connection and settle the handshake before anything is counted.
    EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8("warm")).build());
  }

  @AfterEach
  void tearDown() throws Exception {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }

  /** Counters of the server connection, read on its I/O thread. */
  private long[] counters() throws Exception {
    Connection c = serverConnection.get(10, TimeUnit.SECONDS);
    return c.executor().submit(() -> new long[] {c.flushes(), c.packetsOut(), c.packetsIn()})
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void aServerStreamFromTheDirectExecutorSharesFlushesAcrossManyMessages() throws Exception {
    long[] before = counters();

    List<Integer> received = serverStream();

    long[] after = counters();
    assertThat(received).hasSize(MESSAGES);
    for (int i = 0; i < MESSAGES; i++) {
      assertThat(received.get(i)).as("message %d in order", i).isEqualTo(i);
    }
    long flushes = after[0] - before[0];
    long frames = after[1] - before[1];
    assertThat(frames).as("HEADERS, %d DATA, TRAILERS (and maybe a WINDOW)", MESSAGES)
        .isBetween((long) MESSAGES + 2, (long) MESSAGES + 6);
    // The handler writes while it isReady() (32 KiB queued), then again from onReady: one round per ~31 messages.
    // Rounds run by one loop task share its flush: a flush per round would be about 33 here.
    assertThat(flushes).as("flushes for %d frames", frames).isBetween(1L, MESSAGES / 50L);
  }

  @Test
  void theClientReturnsCreditInAFewWindowFramesNotOnePerMessage() throws Exception {
    long[] before = counters();

    List<Integer> received = serverStream();

    long[] after = counters();
    assertThat(received).hasSize(MESSAGES);
    // HEADERS and DATA of the request, then WINDOW frames at every half window (1 MiB windows, ~1 MiB streamed).
    assertThat(after[2] - before[2]).as("frames from the client").isBetween(2L, 8L);
  }

  @Test
  void aLoneUnaryCallIsFlushedOnceWithoutWaitingForMoreWork() throws Exception {
    long[] before = counters();

    EchoResponse r = EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8("alone")).build());

    long[] after = counters();
    assertThat(r.getPayload().toStringUtf8()).isEqualTo("alone");
    assertThat(after[1] - before[1]).as("HEADERS, DATA, TRAILERS").isEqualTo(3);
    assertThat(after[0] - before[0]).as("one flush for the whole response").isEqualTo(1);
  }

  private List<Integer> serverStream() throws Exception {
    List<Integer> received = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    EchoServiceGrpc.newStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS).serverStream(
        EchoRequest.newBuilder().setResponseCount(MESSAGES).setResponseSize(SIZE).build(),
        new StreamObserver<>() {
          @Override
          public void onNext(EchoResponse value) {
            received.add(value.getPayload().asReadOnlyByteBuffer().getInt());
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
    done.get(20, TimeUnit.SECONDS);
    return received;
  }

  /**
   * Echo for unary calls; a server stream of {@code response_count} messages of {@code response_size} bytes, each
   * starting with its index, written while the call is ready (the flow-control-respecting pattern).
   */
  private static final class PumpingService extends EchoServiceGrpc.EchoServiceImplBase {
    @Override
    public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
      out.onNext(EchoResponse.newBuilder().setPayload(request.getPayload()).build());
      out.onCompleted();
    }

    @Override
    public void serverStream(EchoRequest request, StreamObserver<EchoResponse> responses) {
      ServerCallStreamObserver<EchoResponse> out = (ServerCallStreamObserver<EchoResponse>) responses;
      int count = request.getResponseCount();
      int size = Math.max(Integer.BYTES, request.getResponseSize());
      Runnable pump = new Runnable() {
        private int sent;

        @Override
        public void run() {
          while (sent < count && out.isReady() && !out.isCancelled()) {
            ByteBuffer b = ByteBuffer.allocate(size).putInt(0, sent);
            out.onNext(EchoResponse.newBuilder().setPayload(ByteString.copyFrom(b)).build());
            sent++;
          }
          if (sent == count) {
            sent++; // complete once
            out.onCompleted();
          }
        }
      };
      out.setOnReadyHandler(pump);
      pump.run();
    }
  }
}
