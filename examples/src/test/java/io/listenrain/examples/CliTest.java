package io.listenrain.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CliTest {

  @Test
  void demoRunsARealCallAndReportsIt() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Cli.run(new String[] {"demo"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);

    assertThat(code).isZero();
    assertThat(printed).contains("listening on /127.0.0.1:")
        .contains("sent msgId 1: \"hello, ListenRain\"")
        .contains("got reply msgId 1: \"HELLO, LISTENRAIN\"")
        .contains("stats: calls started=1 ok=1");
  }

  private static final Pattern COST_ROW = Pattern.compile(
      "  (gRPC: generated stub, Greeter/SayHello|native: raw bytes, protocol \"demo\") +([0-9.]+) ms +(\\d+) B"
          + " +([0-9.]+) ms +(\\d+) B +-> \"(.*)\"");

  @Test
  void demoShowsAGrpcStubCallAndANativeCallSideBySideWithTheirCost() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = Cli.run(new String[] {"demo"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(code).isZero();

    Map<String, Matcher> rows = new HashMap<>();
    printed.lines().map(COST_ROW::matcher).filter(Matcher::matches).forEach(m -> rows.put(m.group(1), m));
    assertThat(rows).as(printed).hasSize(2);
    Matcher grpc = rows.get("gRPC: generated stub, Greeter/SayHello");
    Matcher nativeRow = rows.get("native: raw bytes, protocol \"demo\"");
    assertThat(grpc.group(6)).isEqualTo("Hello, hello, ListenRain");
    assertThat(nativeRow.group(6)).isEqualTo("HELLO, LISTENRAIN");
    // The relay counts what the native transport itself counted for its first call (bytes in + out).
    Matcher stats = Pattern.compile("stats: .*bytes in=(\\d+) out=(\\d+);").matcher(printed);
    assertThat(stats.find()).isTrue();
    long nativeFirstBytes = Long.parseLong(nativeRow.group(3));
    assertThat(nativeFirstBytes).isEqualTo(Long.parseLong(stats.group(1)) + Long.parseLong(stats.group(2)));
    // Each call carries at least the text both ways; the native frames stay the same size call after call.
    int text = "hello, ListenRain".length();
    assertThat(nativeFirstBytes).isGreaterThanOrEqualTo(2L * text);
    assertThat(Long.parseLong(nativeRow.group(5))).isEqualTo(nativeFirstBytes);
    assertThat(Long.parseLong(grpc.group(3))).isGreaterThan(Long.parseLong(grpc.group(5)))
        .isGreaterThan(nativeFirstBytes);
    assertThat(Double.parseDouble(grpc.group(2))).isPositive();
    assertThat(Double.parseDouble(nativeRow.group(4))).isPositive();
  }

  @Test
  void anUnknownCommandPrintsTheUsageAndFails() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Cli.run(new String[] {"frobnicate"}, new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: listenrain demo | serve | serve-gobench | call | bench");
  }

  @Test
  void callWithAnUnknownArgumentFailsBeforeDialing() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Cli.run(new String[] {"call", "--bogus"}, new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(1); // grpcurl's convention: 1 for a usage error (was 2 before call followed it)
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown argument --bogus");
  }
}
