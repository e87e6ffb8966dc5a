package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import java.util.concurrent.TimeUnit;

/** Ends a test's channel and server at once, asserting that each terminates within 10 s; either may be null. */
final class TestShutdown {
  private TestShutdown() {}

  static void shutdownNow(ManagedChannel channel, Server server) throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow();
      assertThat(channel.awaitTermination(10, TimeUnit.SECONDS)).as("channel terminated").isTrue();
    }
    if (server != null) {
      server.shutdownNow();
      assertThat(server.awaitTermination(10, TimeUnit.SECONDS)).as("server terminated").isTrue();
    }
  }
}
