package io.listenrain.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {

  @Test
  void grpcGreeterAndNativeEchoAnswerOnTheSameTcpPort() throws Exception {
    try (ServeCommand.Running running = ServeCommand.start(Endpoint.parse(new String[] {"serve", "--port", "0"}, 1))) {
      String port = Integer.toString(running.grpc.getPort());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int code = CallCommand.run(new String[] {"call", "--port", port, "--name", "Ada", "--native", "ping"},
          new PrintStream(out, true, StandardCharsets.UTF_8), System.err);

      assertThat(code).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8))
          .contains("greeter over ListenRain-gRPC at 127.0.0.1:" + port + ": Hello, Ada")
          .contains("native echo at 127.0.0.1:" + port + ": ping");
    }
  }

  @Test
  void servesOverAUnixSocket(@TempDir Path dir) throws Exception {
    String path = dir.resolve("serve.sock").toString();
    try (ServeCommand.Running running = ServeCommand.start(Endpoint.parse(new String[] {"serve", "--unix", path}, 1))) {
      assertThat(running.grpc.getListenSockets()).hasSize(1);
      Endpoint endpoint = Endpoint.parse(new String[] {"call", "--unix", path}, 1);

      assertThat(CallCommand.greet(endpoint, "Unix")).contains("Unix");
      assertThat(CallCommand.nativeEcho(endpoint, "over a socket file")).isEqualTo("over a socket file");
    }
  }
}
