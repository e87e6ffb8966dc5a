package io.listenrain.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code listenrain call} as a user runs it: a separate JVM ({@code java -cp <test classpath> ...Cli call ...})
 * against a {@code serve} server running in this JVM; exit code, stdout and stderr as the shell sees them.
 */
class CallProcessTest {
  private static ServeCommand.Running server;
  private static String port;

  @TempDir
  Path dir;

  @BeforeAll
  static void serve() throws Exception {
    server = ServeCommand.start(Endpoint.parse(new String[] {"serve", "--port", "0"}, 1));
    port = Integer.toString(server.grpc.getPort());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** What the process printed and how it exited. */
  record Result(int code, String out, String err) {}

  private Result call(String stdin, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        Cli.class.getName(), "call"));
    command.addAll(List.of(args));
    Path in = Files.writeString(Files.createTempFile(dir, "in", ".json"), stdin, StandardCharsets.UTF_8);
    File out = Files.createTempFile(dir, "out", ".txt").toFile();
    File err = Files.createTempFile(dir, "err", ".txt").toFile();
    Process p = new ProcessBuilder(command).redirectInput(in.toFile()).redirectOutput(out).redirectError(err)
        .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("listenrain call " + List.of(args) + " did not exit within 60 s");
    }
    return new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
        Files.readString(err.toPath(), StandardCharsets.UTF_8));
  }

  private static List<String> lines(String s) {
    return s.lines().toList();
  }

  @Test
  void listPrintsTheServicesIncludingReflectionAndHealth() throws Exception {
    Result r = call("", "--port", port, "list");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(lines(r.out())).containsExactly("grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection", "listenrain.echo.EchoService", "listenrain.greeter.Greeter");
  }

  @Test
  void aUnaryCallReadsItsRequestFromStdinAndPrintsTheJsonResponse() throws Exception {
    Result r = call("{\"name\": \"from stdin\"}\n", "--port", port, "listenrain.greeter.Greeter/SayHello", "-d", "@");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(lines(r.out())).containsExactly("{\"message\":\"Hello, from stdin\"}");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void aServerStreamPrintsOneJsonObjectPerMessage() throws Exception {
    Result r = call("", "--port", port, "listenrain.echo.EchoService/ServerStream",
        "-d", "{\"payload\": \"cmFpbg==\", \"responseCount\": 4}");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(lines(r.out())).hasSize(4).allMatch("{\"payload\":\"cmFpbg==\"}"::equals);
  }

  @Test
  void connectionRefusedNamesTheAddressGivesAHintAndExits1() throws Exception {
    int free;
    try (ServerSocket s = new ServerSocket(0)) {
      free = s.getLocalPort();
    }
    Result r = call("", "--port", Integer.toString(free), "list");

    assertThat(r.code()).isEqualTo(1);
    assertThat(lines(r.err())).singleElement().asString()
        .startsWith("listenrain call: cannot connect to 127.0.0.1:" + free)
        .contains("Connection refused")
        .contains("./listenrain serve --port " + free);
    assertThat(r.out()).isEmpty();
  }

  @Test
  void anUnknownServiceListsTheServicesThatExist() throws Exception {
    Result r = call("", "--port", port, "no.such.Service/Call", "-d", "{}");

    assertThat(r.code()).isEqualTo(1);
    assertThat(lines(r.err())).singleElement().asString()
        .contains("service \"no.such.Service\" not found")
        .contains("listenrain.echo.EchoService, listenrain.greeter.Greeter");
  }

  @Test
  void anUnknownMethodListsTheServicesMethods() throws Exception {
    Result r = call("", "--port", port, "listenrain.echo.EchoService/Shout");

    assertThat(r.code()).isEqualTo(1);
    assertThat(lines(r.err())).singleElement().asString()
        .contains("service listenrain.echo.EchoService has no method \"Shout\"")
        .contains("its methods: Echo, ServerStream, ClientStream, BidiStream");
  }

  @Test
  void badJsonSaysWhereAndExits1() throws Exception {
    Result syntax = call("", "--port", port, "listenrain.greeter.Greeter/SayHello", "-d", "{\"name\": }");
    Result field = call("", "--port", port, "listenrain.greeter.Greeter/SayHello", "-d", "{\"nmae\": \"x\"}");

    assertThat(syntax.code()).isEqualTo(1);
    assertThat(lines(syntax.err())).singleElement().asString()
        .contains("bad request JSON for listenrain.greeter.HelloRequest").contains("line 1 column");
    assertThat(field.code()).isEqualTo(1);
    assertThat(lines(field.err())).singleElement().asString()
        .contains("Cannot find field: nmae in message listenrain.greeter.HelloRequest");
  }

  @Test
  void aFailedCallExitsWithItsStatusCodePlus64() throws Exception {
    Result r = call("", "--port", port, "grpc.health.v1.Health/Check", "-d", "{\"service\": \"nope\"}");

    assertThat(r.code()).isEqualTo(64 + io.grpc.Status.Code.NOT_FOUND.value());
    assertThat(lines(r.err())).singleElement().asString()
        .isEqualTo("listenrain call: grpc.health.v1.Health/Check failed: NOT_FOUND: unknown service nope");
  }

  @Test
  void aUsageErrorExits1WithoutAStackTrace() throws Exception {
    Result r = call("", "--port", port, "list", "--bogus");

    assertThat(r.code()).isEqualTo(1);
    assertThat(lines(r.err())).containsExactly(
        "listenrain call: unknown argument --bogus (see listenrain call --help)");
  }
}
