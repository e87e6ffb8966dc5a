package io.listenrain.examples.greeter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The greeter end to end, over ListenRain and, with the builder switched, over Netty: same service, same stub. */
class GreeterServerTest {

  @ParameterizedTest(name = "netty={0}")
  @ValueSource(booleans = {false, true})
  void clientGreetsTheServerOverEitherTransport(boolean netty) throws Exception {
    GreeterServer server = new GreeterServer(0, netty).start();
    try (GreeterClient client = new GreeterClient("127.0.0.1", server.port(), netty)) {
      assertThat(client.greet("ListenRain")).isEqualTo("Hello, ListenRain");
      assertThat(client.greet("again")).isEqualTo("Hello, again");
    } finally {
      server.stop();
    }
  }

  @ParameterizedTest(name = "netty={0}")
  @ValueSource(booleans = {false, true})
  void aStoppedServerFailsCallsUnavailable(boolean netty) throws Exception {
    GreeterServer server = new GreeterServer(0, netty).start();
    int port = server.port();
    server.stop();
    try (GreeterClient client = new GreeterClient("127.0.0.1", port, netty)) {
      assertThatThrownBy(() -> client.greet("nobody")).isInstanceOfSatisfying(StatusRuntimeException.class,
          e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }
  }
}
