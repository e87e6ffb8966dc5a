package io.listenrain.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.listenrain.examples.greeter.GreeterService;
import io.listenrain.grpc.ListenRainServerBuilder;
import io.listenrain.testing.TestCertificates;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code listenrain call} in this JVM, for what needs a special server or is cheaper without a process. */
class CallCommandTest {

  /** Exit code and the two streams of one {@link Cli#run} call. */
  record Result(int code, String out, String err) {}

  static Result cli(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Cli.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static ServeCommand.Running serve(String... flags) throws Exception {
    String[] args = new String[flags.length + 1];
    args[0] = "serve";
    System.arraycopy(flags, 0, args, 1, flags.length);
    return ServeCommand.start(Endpoint.parse(args, 1));
  }

  @Test
  void describeWritesServicesMethodsAndMessagesAsProto() throws Exception {
    try (ServeCommand.Running running = serve("--port", "0")) {
      String port = Integer.toString(running.grpc.getPort());
      Result service = cli("", "call", "--port", port, "describe", "listenrain.greeter.Greeter");
      Result method = cli("", "call", "--port", port, "describe", "listenrain.echo.EchoService.ServerStream");
      Result message = cli("", "call", "--port", port, "describe", ".listenrain.greeter.HelloRequest");
      Result missing = cli("", "call", "--port", port, "describe", "no.Such");

      assertThat(service.out()).isEqualTo("listenrain.greeter.Greeter is a service:\nservice Greeter {\n"
          + "  rpc SayHello ( .listenrain.greeter.HelloRequest ) returns ( .listenrain.greeter.HelloReply );\n}\n");
      assertThat(method.out()).isEqualTo("listenrain.echo.EchoService.ServerStream is a method:\n"
          + "rpc ServerStream ( .listenrain.echo.EchoRequest ) returns ( stream .listenrain.echo.EchoResponse );\n");
      assertThat(message.out()).isEqualTo("listenrain.greeter.HelloRequest is a message:\n"
          + "message HelloRequest {\n  string name = 1;\n}\n");
      assertThat(missing.code()).isEqualTo(1);
      assertThat(missing.err()).contains("symbol \"no.Such\" not found; services on the server: grpc.health.v1");
    }
  }

  @Test
  void headersGivenWithHReachTheServer() throws Exception {
    AtomicReference<Metadata> seen = new AtomicReference<>();
    ServerInterceptor record = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        seen.set(headers);
        return next.startCall(call, headers);
      }
    };
    Server server = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(new GreeterService(), record))
        .addService(ProtoReflectionServiceV1.newInstance())
        .build().start();
    try {
      Result r = cli("", "call", "--port", Integer.toString(server.getPort()), "-H", "x-team: rain",
          "-H", "X-Trace-Bin: AAEC", "listenrain.greeter.Greeter/SayHello", "-d", "{\"name\":\"H\"}");

      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).isEqualTo("{\"message\":\"Hello, H\"}\n");
      assertThat(seen.get().get(Metadata.Key.of("x-team", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("rain");
      assertThat(seen.get().get(Metadata.Key.of("x-trace-bin", Metadata.BINARY_BYTE_MARSHALLER)))
          .containsExactly(0, 1, 2);
    } finally {
      server.shutdownNow();
    }
  }

  @Test
  void aDeadlineEndsAnEndlessStreamAfterItsFirstMessagesWithExit68() throws Exception {
    try (ServeCommand.Running running = serve("--port", "0")) {
      long start = System.nanoTime();
      Result r = cli("", "call", "--port", Integer.toString(running.grpc.getPort()), "--deadline", "300ms",
          "grpc.health.v1.Health/Watch", "-d", "{}");
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(r.code()).isEqualTo(64 + Status.Code.DEADLINE_EXCEEDED.value());
      assertThat(r.out()).isEqualTo("{\"status\":\"SERVING\"}\n");
      assertThat(r.err()).startsWith("listenrain call: grpc.health.v1.Health/Watch failed: DEADLINE_EXCEEDED");
      assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void aClientStreamTakesSeveralJsonObjectsInARow() throws Exception {
    try (ServeCommand.Running running = serve("--port", "0")) {
      // ClientStream answers with the total payload size as text: 2 + 5 = "7" ("Nw==" in base64).
      Result r = cli("{\"payload\":\"aGk=\"}\n{\"payload\":\"aGVsbG8=\"}", "call", "--port",
          Integer.toString(running.grpc.getPort()), "listenrain.echo.EchoService/ClientStream", "-d", "@");

      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).isEqualTo("{\"payload\":\"Nw==\"}\n");
    }
  }

  @Test
  void listsAndCallsOverAUnixSocket(@TempDir Path dir) throws Exception {
    String path = dir.resolve("call.sock").toString();
    try (ServeCommand.Running running = serve("--unix", path)) {
      assertThat(running.grpc.getListenSockets()).hasSize(1);
      Result list = cli("", "call", "--unix", path, "list", "listenrain.greeter.Greeter");
      Result hello = cli("", "call", "--unix", path, "listenrain.greeter.Greeter/SayHello", "-d", "{\"name\":\"U\"}");

      assertThat(list.out()).isEqualTo("listenrain.greeter.Greeter.SayHello\n");
      assertThat(hello.out()).isEqualTo("{\"message\":\"Hello, U\"}\n");
    }
    Result gone = cli("", "call", "--unix", path, "list");
    assertThat(gone.code()).isEqualTo(1);
    assertThat(gone.err()).startsWith("listenrain call: cannot connect to unix:" + path + ": no such socket file")
        .contains("./listenrain serve --unix " + path);
  }

  @Test
  void callsOverMutualTls(@TempDir Path dir) throws Exception {
    TestCertificates certs = TestCertificates.shared();
    String cert = write(dir, "server.pem", TestCertificates.pem(certs.server().certificate()));
    String key = write(dir, "server.key", TestCertificates.pem(certs.server().key()));
    String ca = write(dir, "ca.pem", TestCertificates.pem(certs.ca()));
    String clientCert = write(dir, "client.pem", TestCertificates.pem(certs.client().certificate()));
    String clientKey = write(dir, "client.key", TestCertificates.pem(certs.client().key()));
    try (ServeCommand.Running running = serve("--port", "0", "--tls-cert", cert, "--tls-key", key,
        "--tls-client-ca", ca)) {
      String port = Integer.toString(running.grpc.getPort());
      Result ok = cli("", "call", "--port", port, "--tls-ca", ca, "--tls-cert", clientCert, "--tls-key", clientKey,
          "listenrain.greeter.Greeter/SayHello", "-d", "{\"name\":\"TLS\"}");
      Result plaintext = cli("", "call", "--port", port, "list");

      assertThat(ok.code()).as(ok.err()).isZero();
      assertThat(ok.out()).isEqualTo("{\"message\":\"Hello, TLS\"}\n");
      assertThat(plaintext.code()).isEqualTo(1);
      assertThat(plaintext.err().lines()).singleElement().asString().contains("reflection service failed");
    }
  }

  private static String write(Path dir, String name, String pem) throws Exception {
    return Files.writeString(dir.resolve(name), pem).toString();
  }

  @Test
  void verboseAddsTheStackTraceToTheOneLine() throws Exception {
    Result quiet = cli("", "call", "--port", "1", "--deadline", "soon", "list");
    Result verbose = cli("", "call", "--verbose", "--port", "1", "--deadline", "soon", "list");

    assertThat(quiet.code()).isEqualTo(1);
    assertThat(quiet.err().lines()).containsExactly(
        "listenrain call: --deadline takes a duration like 500ms, 5s, 1m; got 'soon'");
    assertThat(verbose.code()).isEqualTo(1);
    assertThat(verbose.err()).startsWith(quiet.err()).contains("at io.listenrain.examples.CallCommand.duration");
  }

  @Test
  void everyCommandAnswersHelp() {
    assertThat(cli("", "demo", "--help").out()).startsWith("usage: listenrain demo");
    assertThat(cli("", "serve", "--help").out()).startsWith("usage: listenrain serve").contains("reflection");
    assertThat(cli("", "serve-gobench", "-h").out()).startsWith("usage: listenrain serve-gobench");
    Result call = cli("", "call", "--help");
    assertThat(call.code()).isZero();
    assertThat(call.out()).startsWith("usage: listenrain call").contains("list").contains("describe")
        .contains("SERVICE/METHOD").contains("-H 'k: v'").contains("--deadline").contains("--unix");
  }

  @Test
  void deadlinesParseInTheUsualUnits() throws Exception {
    assertThat(CallCommand.duration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(CallCommand.duration("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(CallCommand.duration("1.5m")).isEqualTo(Duration.ofSeconds(90));
    assertThat(CallCommand.duration("2")).isEqualTo(Duration.ofSeconds(2));
    assertThatThrownBy(() -> CallCommand.duration("0s")).isInstanceOf(CliError.class);
    assertThatThrownBy(() -> CallCommand.duration("5x")).isInstanceOf(CliError.class);
  }
}
