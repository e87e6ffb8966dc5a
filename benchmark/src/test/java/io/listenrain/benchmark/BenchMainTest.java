package io.listenrain.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command end to end on two real contenders with tiny windows. */
class BenchMainTest {

  @Test
  void aTinyRunWritesTheTableTheCsvAndTheChart(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = BenchMain.run(List.of("bench", "--contenders", "grpc-netty-nio/direct,socket-tcp", "--payloads", "4k",
            "--parallel", "2", "--stream-parallel", "none", "--warmup", "0ms", "--measure", "100ms", "--baseline",
            "nio", "--out", dir.toString()),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(status).as("stdout:%n%s%nstderr:%n%s", printed, err).isZero();
    assertThat(printed).contains("estimated").contains("[  1/2] grpc-netty-nio/direct").contains("[  2/2] socket-tcp");
    String md = Files.readString(dir.resolve("results.md"));
    assertThat(md).contains("| 4 KiB | 2 | grpc-netty-nio/direct | direct |").contains("| 4 KiB | 2 | socket-tcp | - |");
    assertThat(Files.readAllLines(dir.resolve("results.csv"))).hasSize(3);
    byte[] png = Files.readAllBytes(dir.resolve("results.png"));
    assertThat(png).startsWith(0x89, 'P', 'N', 'G');
  }

  @Test
  void theCommandWordIsRequired() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = BenchMain.run(List.of("--quick"), new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("'bench'").contains("usage");
  }
}
