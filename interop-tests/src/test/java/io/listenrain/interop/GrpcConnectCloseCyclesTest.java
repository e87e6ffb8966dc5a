package io.listenrain.interop;

import static io.listenrain.testing.ProcessResources.canCountFds;
import static io.listenrain.testing.ProcessResources.liveThreads;
import static io.listenrain.testing.ProcessResources.openFds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import io.grpc.Attributes;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerTransportFilter;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.grpc.ListenRainServerBuilder;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoServiceGrpc;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 1,000 cycles of build a ManagedChannel, make one call, shut it down: open file descriptors and live threads come
 * back to the warmed-up baseline, and the server sees every connection end. The gRPC twin of the native
 * {@code client.ConnectCloseCyclesTest}.
 */
class GrpcConnectCloseCyclesTest {
  private static final int FD_SLACK = 8;
  private static final int THREAD_SLACK = 4;
  private static final int WARM_UP = 50;
  private static final int CYCLES = 1_000;

  private static void cycle(SocketAddress address, int i) throws InterruptedException {
    ManagedChannel channel = ListenRainChannelBuilder.forSocketAddress(address).build();
    try {
      String text = "cycle " + i;
      assertThat(EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .echo(EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8(text)).build())
          .getPayload().toStringUtf8()).isEqualTo(text);
    } finally {
      channel.shutdown();
      assertThat(channel.awaitTermination(10, TimeUnit.SECONDS)).as("cycle %d terminated", i).isTrue();
    }
  }

  @Test
  void thousandConnectCallCloseCyclesReturnFileDescriptorsAndThreadsToBaseline() throws Exception {
    assumeTrue(canCountFds(), "needs /proc/self/fd");
    AtomicInteger open = new AtomicInteger();
    AtomicInteger accepted = new AtomicInteger();
    Server server = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new HoldingEchoService())
        .addTransportFilter(new ServerTransportFilter() {
          @Override
          public Attributes transportReady(Attributes attrs) {
            open.incrementAndGet();
            accepted.incrementAndGet();
            return attrs;
          }

          @Override
          public void transportTerminated(Attributes attrs) {
            open.decrementAndGet();
          }
        })
        .build().start();
    try {
      SocketAddress address = server.getListenSockets().get(0);
      for (int i = 0; i < WARM_UP; i++) { // event loops, the shared timer and executor threads start lazily
        cycle(address, i);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> open.get() == 0);
      long fdBaseline = openFds();
      int threadBaseline = liveThreads();

      for (int i = 0; i < CYCLES; i++) {
        cycle(address, i);
      }

      await().atMost(Duration.ofSeconds(15)).until(() -> open.get() == 0
          && openFds() <= fdBaseline + FD_SLACK && liveThreads() <= threadBaseline + THREAD_SLACK);
      System.out.printf(Locale.ROOT,
          "after %d cycles: fds %d (baseline %d), threads %d (baseline %d)%n", CYCLES, openFds(),
          fdBaseline, liveThreads(), threadBaseline);
      assertThat(accepted.get()).isEqualTo(WARM_UP + CYCLES);
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
