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
import io.listenrain.errors.TransportClosedException;
import io.listenrain.server.Server;
import io.listenrain.server.ServerResponse;
import io.listenrain.server.ServerTransports;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Graceful close of a client transport and of a server with calls in flight: the calls finish, new ones are refused
 * with a typed error, a second close is harmless, and the termination future completes.
 */
class GracefulCloseTest {
  /** Requests the server holds until the test answers them, with their messages. */
  /** A request held by the server, with the response that answers it (routers run concurrently: keep them paired). */
  private static final class Held {
    final ServerResponse<BytesMessage> response;
    final BytesMessage message;

    Held(ServerResponse<BytesMessage> response, BytesMessage message) {
      this.response = response;
      this.message = message;
    }
  }

  private final Queue<Held> held = new ConcurrentLinkedQueue<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    Held h;
    while ((h = held.poll()) != null) {
      h.message.release();
    }
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private Server holdingServer() throws Exception {
    Server s = ServerTransports.listen(ANY_LOOPBACK, bytesSpec().build(), (response, msgId, m) -> {
      held.add(new Held(response, m));
    });
    closeables.add(s::shutdownNow);
    return s;
  }

  private Transport<BytesMessage> client(Server server) {
    Transport<BytesMessage> t = Transport.create(TransportKey.of("bytes", server.localAddress()),
        bytesSpec().build());
    closeables.add(t::shutdownNow);
    return t;
  }

  /** Answers every held request with its own bytes. */
  private void answerAll() {
    Held h;
    while ((h = held.poll()) != null) {
      h.response.send(h.message);
    }
  }

  private List<CompletableFuture<BytesMessage>> inFlight(Transport<BytesMessage> client, int n) {
    List<CompletableFuture<BytesMessage>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(client.send(message(i, "in flight " + i), Duration.ofSeconds(30)));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == n);
    return calls;
  }

  @Test
  void clientCloseLetsInFlightCallsFinishRefusesNewOnesAndTerminatesOnce() throws Exception {
    Transport<BytesMessage> client = client(holdingServer());
    List<CompletableFuture<BytesMessage>> calls = inFlight(client, 20);

    CompletableFuture<Void> closing = client.close();
    assertThat(client.close()).isSameAs(closing);
    assertThatThrownBy(() -> client.send(message(100, "late"))).isInstanceOf(TransportClosedException.class);
    assertThatThrownBy(() -> client.sendOneWay(message(101, "late"))).isInstanceOf(TransportClosedException.class);
    assertThat(closing).isNotDone();

    answerAll();
    for (int i = 0; i < calls.size(); i++) {
      assertThat(textOf(calls.get(i).get(5, TimeUnit.SECONDS))).isEqualTo("in flight " + i);
    }
    closing.get(5, TimeUnit.SECONDS);
    assertThat(client.isTerminated()).isTrue();
    assertThat(client.terminationFuture()).isDone();
    client.shutdownNow(); // harmless after termination
    assertThat(client.close()).isSameAs(closing);
  }

  @Test
  void serverCloseAnswersInFlightRequestsRefusesNewConnectionsAndCompletes() throws Exception {
    Server server = holdingServer();
    Transport<BytesMessage> client = client(server);
    List<CompletableFuture<BytesMessage>> calls = inFlight(client, 20);

    server.close();
    server.close(); // second close is harmless
    assertThat(server.closeFuture()).isNotDone();
    Transport<BytesMessage> latecomer = client(server);
    assertThatThrownBy(() -> latecomer.send(message(1, "new")).get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(ConnectionClosedException.class);

    answerAll();
    for (int i = 0; i < calls.size(); i++) {
      assertThat(textOf(calls.get(i).get(5, TimeUnit.SECONDS))).isEqualTo("in flight " + i);
    }
    server.closeFuture().get(5, TimeUnit.SECONDS);
    assertThat(server.connectionCount()).isZero();
  }
}
