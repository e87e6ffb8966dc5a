package io.listenrain.examples.stdio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The stdio example for real: a child JVM serves the greeter over its stdin/stdout and exits when they close. */
class StdioExampleTest {
  @Test
  void aParentCallsItsChildProcessesGreeterOverStdioAndTheChildExitsCleanly() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = StdioParent.run(new String[] {"parent", "again"}, new PrintStream(out, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("Hello, parent").contains("Hello, again").contains("child process [");
    assertThat(exit).as("the child's exit code once its stdin closed").isZero();
  }
}
