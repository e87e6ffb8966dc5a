package io.listenrain.server;

import static io.listenrain.testing.NativeFixtures.ANY_LOOPBACK;
import static io.listenrain.testing.NativeFixtures.bytesSpec;
import static io.listenrain.testing.NativeFixtures.message;
import static io.listenrain.testing.NativeFixtures.textOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.listenrain.client.Transport;
import io.listenrain.codec.BytesMessage;
import io.listenrain.config.TransportKey;
import io.listenrain.errors.CallTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A server router that throws. The native wire format has no error response, so the client's call ends by its
 * deadline (measured here); the connection keeps serving, and the failed request no longer holds a graceful close.
 */
class RouterFaultsTest {

  /** Throws on requests whose text is "boom" (after releasing them); echoes the rest. */
  private static ServerRouter<BytesMessage> throwingOnBoom() {
    return (response, msgId, m) -> {
      if (m.payload().toString(StandardCharsets.UTF_8).equals("boom")) {
        m.release();
        throw new IllegalStateException("handler bug on " + msgId);
      }
      response.send(m);
    };
  }

  @Test
  void routerThatThrowsLeavesTheCallToItsDeadlineAndTheConnectionServing() throws Exception {
    Server server = ServerTransports.listen(ANY_LOOPBACK, bytesSpec().build(), throwingOnBoom());
    Transport<BytesMessage> client = Transport.create(TransportKey.of("bytes", server.localAddress()),
        bytesSpec().build());
    try {
      Duration deadline = Duration.ofMillis(300);
      long t0 = System.nanoTime();
      CompletableFuture<BytesMessage> call = client.send(message(1, "boom"), deadline);
      assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(CallTimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(deadline, deadline.plusMillis(500));
      assertThat(textOf(client.send(message(2, "fine")).get(5, TimeUnit.SECONDS))).isEqualTo("fine");
      assertThat(server.stats().requests()).isEqualTo(2);
      assertThat(server.stats().responses()).isEqualTo(1);
      assertThat(client.stats().connects()).isEqualTo(1);
    } finally {
      client.shutdownNow();
      server.shutdownNow();
    }
  }

  @Test
  void requestWhoseRouterThrewDoesNotHoldTheServersGracefulCloseOpen() throws Exception {
    Server server = ServerTransports.listen(ANY_LOOPBACK, bytesSpec().build(), throwingOnBoom());
    Transport<BytesMessage> client = Transport.create(TransportKey.of("bytes", server.localAddress()),
        bytesSpec().build());
    try {
      CompletableFuture<BytesMessage> call = client.send(message(1, "boom"), Duration.ofMillis(200));
      assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(CallTimeoutException.class);
      server.close();
      server.closeFuture().get(5, TimeUnit.SECONDS);
      assertThat(server.connectionCount()).isZero();
    } finally {
      client.shutdownNow();
      server.shutdownNow();
    }
  }
}
