package io.listenrain.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
