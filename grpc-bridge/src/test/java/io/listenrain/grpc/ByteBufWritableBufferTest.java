package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.internal.WritableBuffer;
import io.grpc.internal.WritableBufferAllocator;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Pooled framer buffers: handed over, released, or reclaimed when a client stream abandons them. */
class ByteBufWritableBufferTest {
  @Test
  void aBufferHandedOverOrReleasedIsNeverReclaimedTwice() {
    WritableBufferAllocator alloc = ByteBufWritableBuffer.allocator(PooledByteBufAllocator.DEFAULT, true);
    long before = ByteBufWritableBuffer.reclaimedCount();
    ByteBufWritableBuffer handed = (ByteBufWritableBuffer) alloc.allocate(100);
    handed.write((byte) 7);
    var buf = handed.takeOver();
    assertThat(buf.readableBytes()).isEqualTo(1);
    assertThat(buf.release()).isTrue();
    WritableBuffer released = alloc.allocate(100);
    released.release();
    handed = null;
    released = null;
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    assertThat(ByteBufWritableBuffer.reclaimedCount()).isEqualTo(before);
  }

  @Test
  void aBufferAbandonedInTheFramerIsReleasedOnceItsWrapperIsGarbage() {
    WritableBufferAllocator alloc = ByteBufWritableBuffer.allocator(PooledByteBufAllocator.DEFAULT, true);
    long before = ByteBufWritableBuffer.reclaimedCount();
    alloc.allocate(100).write(new byte[50], 0, 50); // never handed over, never released
    awaitReclaimed(before);
  }

  /**
   * The race that once forced unpooled heap buffers: the server closes a unary call while the request message sits
   * framed in the client's framer. Whether {@code RetriableStream} forwards the later {@code halfClose} (then the
   * transport releases the buffer it takes over) or not (then the cleaner reclaims it), no client buffer stays
   * outstanding, and the leak check of this class passes.
   */
  @Test
  void aMessageFramedBeforeTheServerClosedTheCallNeverStaysOutstanding() throws Exception {
    ServerInterceptor rejectAtOnce = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        call.close(Status.PERMISSION_DENIED.withDescription("go away"), new Metadata());
        return new ServerCall.Listener<>() {};
      }
    };
    Server server = ListenRainServerBuilder.forAddress(TransportKind.TCP.bindAddress())
        .addService(ServerInterceptors.intercept(new EchoServiceImpl(), rejectAtOnce))
        .build().start();
    ManagedChannel channel = ListenRainChannelBuilder.forSocketAddress(server.getListenSockets().get(0))
        .usePlaintext().build();
    try {
      long outstanding = ByteBufWritableBuffer.outstandingCount();
      CompletableFuture<Status> closed = new CompletableFuture<>();
      ClientCall<EchoRequest, EchoResponse> call = channel.newCall(EchoServiceGrpc.getEchoMethod(),
          CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS));
      call.start(new ClientCall.Listener<>() {
        @Override
        public void onClose(Status status, Metadata trailers) {
          closed.complete(status);
        }
      }, new Metadata());
      // Unary: the framed message waits in the framer for halfClose; the server closes the call meanwhile.
      call.sendMessage(EchoRequest.newBuilder().setPayload(ByteString.copyFrom(new byte[3000])).build());
      assertThat(closed.get(20, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      call.halfClose();
      call = null;
      // Handed over and released by the transport, or abandoned and reclaimed: never outstanding for good.
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
        System.gc();
        return ByteBufWritableBuffer.outstandingCount() == outstanding;
      });
    } finally {
      channel.shutdownNow();
      server.shutdownNow();
      channel.awaitTermination(10, TimeUnit.SECONDS);
      server.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private static void awaitReclaimed(long before) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
      System.gc();
      return ByteBufWritableBuffer.reclaimedCount() > before;
    });
  }
}
