package io.listenrain.client;

import static io.listenrain.testing.NativeFixtures.ANY_LOOPBACK;
import static io.listenrain.testing.NativeFixtures.bytesSpec;
import static io.listenrain.testing.NativeFixtures.echo;
import static io.listenrain.testing.NativeFixtures.message;
import static io.listenrain.testing.NativeFixtures.textOf;
import static io.listenrain.testing.ProcessResources.canCountFds;
import static io.listenrain.testing.ProcessResources.liveThreads;
import static io.listenrain.testing.ProcessResources.openFds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.listenrain.codec.BytesMessage;
import io.listenrain.config.TransportKey;
import io.listenrain.server.Server;
import io.listenrain.server.ServerTransports;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** 1,000 connect/call/close cycles leave open file descriptors and live threads where they started. */
class ConnectCloseCyclesTest {
  private static final int FD_SLACK = 8;
  private static final int THREAD_SLACK = 4;

  private static void cycle(Server server, int i) throws Exception {
    Transport<BytesMessage> t = Transport.create(TransportKey.of("bytes", server.localAddress()),
        bytesSpec().build());
    try {
      assertThat(textOf(t.syncSend(message(i, "c"), Duration.ofSeconds(5)))).isEqualTo("c");
    } finally {
      t.close().get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void thousandConnectCloseCyclesReturnFileDescriptorsAndThreadsToBaseline() throws Exception {
    assumeTrue(canCountFds(), "needs /proc/self/fd");
    Server server = ServerTransports.listen(ANY_LOOPBACK, bytesSpec().build(), echo());
    try {
      for (int i = 0; i < 50; i++) { // warm up: event loops, timer and callback threads start lazily
        cycle(server, i);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 0);
      long fdBaseline = openFds();
      int threadBaseline = liveThreads();

      for (int i = 0; i < 1000; i++) {
        cycle(server, i);
      }

      await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 0
          && openFds() <= fdBaseline + FD_SLACK && liveThreads() <= threadBaseline + THREAD_SLACK);
      assertThat(server.stats().connectionsAccepted()).isEqualTo(1050);
    } finally {
      server.shutdownNow();
    }
  }
}
