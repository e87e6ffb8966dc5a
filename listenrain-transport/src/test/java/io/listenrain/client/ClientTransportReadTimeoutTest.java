package io.listenrain.client;

import static io.listenrain.testing.NativeFixtures.ANY_LOOPBACK;
import static io.listenrain.testing.NativeFixtures.bytesSpec;
import static io.listenrain.testing.NativeFixtures.message;
import static io.listenrain.testing.NativeFixtures.textOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.listenrain.codec.BytesMessage;
import io.listenrain.config.TransportKey;
import io.listenrain.errors.ConnectionClosedException;
import io.listenrain.errors.ReadTimeoutException;
import io.listenrain.server.Server;
import io.listenrain.server.ServerResponse;
import io.listenrain.server.ServerTransports;
import io.listenrain.timer.FakeTicker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client read timeout, on a fake clock: what starts, restarts and fires it. */
class ClientTransportReadTimeoutTest {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  private final FakeTicker ticker = new FakeTicker();
  private final Queue<ServerResponse<BytesMessage>> held = new ConcurrentLinkedQueue<>();
  private Server server;
  private ClientTransport<BytesMessage> client;

  @BeforeEach
  void start() throws Exception {
    // Holds requests whose text starts with "hold"; echoes the rest.
    server = ServerTransports.listen(ANY_LOOPBACK, bytesSpec().build(), (response, msgId, m) -> {
      if (m.payload().toString(StandardCharsets.UTF_8).startsWith("hold")) {
        m.release();
        held.add(response);
      } else {
        response.send(m);
      }
    });
    client = new ClientTransport<>(TransportKey.of("bytes", server.localAddress()),
        bytesSpec().ticker(ticker).tickInterval(Duration.ofHours(1)).readTimeout(READ_TIMEOUT).build());
  }

  @AfterEach
  void stop() {
    client.shutdownNow();
    server.shutdownNow();
  }

  private CompletableFuture<BytesMessage> heldCall(long id) {
    int before = held.size();
    CompletableFuture<BytesMessage> f = client.send(message(id, "hold"), Duration.ofHours(2));
    await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == before + 1);
    return f;
  }

  @Test
  void silentConnectionWithACallWaitingIsAbortedOnceTheReadTimeoutPasses() throws Exception {
    assertThat(textOf(client.send(message(1, "warm")).get(5, TimeUnit.SECONDS))).isEqualTo("warm");
    CompletableFuture<BytesMessage> call = heldCall(2);
    client.tickNow(); // the window starts
    ticker.advance(READ_TIMEOUT.minusMillis(1));
    client.tickNow();
    assertThat(call).isNotDone();
    ticker.advance(Duration.ofMillis(1));
    client.tickNow();
    assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).cause()
        .isInstanceOf(ConnectionClosedException.class).cause().isInstanceOf(ReadTimeoutException.class);
  }

  @Test
  void bytesArrivingRestartTheWindow() throws Exception {
    CompletableFuture<BytesMessage> call = heldCall(1);
    client.tickNow();
    ticker.advance(READ_TIMEOUT.multipliedBy(6).dividedBy(10));
    assertThat(textOf(client.send(message(2, "traffic")).get(5, TimeUnit.SECONDS))).isEqualTo("traffic");
    client.tickNow(); // sees new bytes: the window restarts here
    ticker.advance(READ_TIMEOUT.multipliedBy(6).dividedBy(10));
    client.tickNow();
    assertThat(call).isNotDone();
    assertThat(client.stats().connects()).isEqualTo(1);
  }

  @Test
  void idleConnectionWithoutCallsIsNeverTimedOut() throws Exception {
    assertThat(textOf(client.send(message(1, "warm")).get(5, TimeUnit.SECONDS))).isEqualTo("warm");
    client.tickNow();
    ticker.advance(READ_TIMEOUT.multipliedBy(5));
    client.tickNow();
    // A call after a long quiet spell gets a full window, not an immediate abort.
    CompletableFuture<BytesMessage> call = heldCall(2);
    client.tickNow();
    ticker.advance(READ_TIMEOUT.dividedBy(2));
    client.tickNow();
    assertThat(call).isNotDone();
    assertThat(client.stats().connects()).isEqualTo(1);
  }
}
