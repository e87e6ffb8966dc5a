package io.listenrain.benchmark.contender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.listenrain.benchmark.harness.CellResult;
import io.listenrain.benchmark.harness.CellRunner;
import io.listenrain.benchmark.harness.CellSpec;
import io.listenrain.benchmark.harness.Windows;
import io.listenrain.benchmark.spi.CallListener;
import io.listenrain.benchmark.spi.Contender;
import io.listenrain.benchmark.spi.Payload;
import io.listenrain.benchmark.spi.Session;
import io.listenrain.benchmark.spi.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The smoke test of every registered contender: one tiny cell per workload it supports, over real sockets, pipes
 * and grpc-java, with every response verified. Correctness only; the numbers are not looked at.
 */
class ContendersTest {
  private static final Windows TINY = new Windows(Duration.ZERO, Duration.ofMillis(150));

  static List<Contender> contenders() {
    return Contenders.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contenders")
  void everyWorkloadCompletesVerifiedCallsWithoutFailures(Contender contender) throws Exception {
    assumeTrue(contender.available(), contender.name() + " is not available on this machine");
    CellRunner runner = new CellRunner(System::nanoTime, Duration.ofSeconds(20));
    Session session = contender.open();
    try {
      for (Workload w : contender.workloads()) {
        int payload = w == Workload.UNARY ? 32 * 1024 : 1024;
        CellResult r = runner.run(contender, session, new CellSpec(w, payload, 4), TINY);
        assertThat(r.failed()).as("%s %s failures (first: %s)", contender, w, r.firstFailure()).isZero();
        assertThat(r.completed()).as("%s %s completed", contender, w).isPositive();
      }
    } finally {
      session.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contenders")
  void theMemoryRowsCallerCompletesVerifiedCalls(Contender contender) throws Exception {
    assumeTrue(contender.available(), contender.name() + " is not available on this machine");
    Payload payload = Payload.of(256 * 1024);
    Session session = contender.open();
    try {
      List<CompletableFuture<Void>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        calls.add(done);
        session.unaryWhenReady(payload, new CallListener() {
          @Override
          public void onResponse() {
            done.complete(null);
          }

          @Override
          public void onFailure(Throwable cause) {
            done.completeExceptionally(cause);
          }
        });
      }
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    } finally {
      session.close();
    }
  }

  @Test
  void namesAreUniqueAndTheBaselinesAreRegistered() {
    List<String> names = Contenders.all().stream().map(Contender::name).toList();
    assertThat(names).doesNotHaveDuplicates()
        .contains("grpc-netty-nio/default", "grpc-netty-nio/direct", "grpc-netty-epoll/default",
            "grpc-netty-epoll/direct");
  }

  @Test
  void aNameWithoutModeSelectsBothExecutorModes() {
    assertThat(Contenders.select(List.of("grpc-netty-nio")).stream().map(Contender::name))
        .containsExactly("grpc-netty-nio/default", "grpc-netty-nio/direct");
  }

  @Test
  void anUnknownNameIsRejectedWithTheKnownOnes() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Contenders.select(List.of("quic")))
        .isInstanceOf(NoSuchElementException.class)
        .hasMessageContaining("quic")
        .hasMessageContaining("socket-tcp");
  }

  @Test
  void rowsWithoutExecutorModeAreComparedWithTheDirectBaseline() {
    Contender socket = Contenders.select(List.of("socket-tcp")).get(0);
    Contender grpcDefault = Contenders.select(List.of("grpc-inprocess/default")).get(0);
    assertThat(Contenders.baselineOf(socket, "epoll")).isEqualTo("grpc-netty-epoll/direct");
    assertThat(Contenders.baselineOf(grpcDefault, "nio")).isEqualTo("grpc-netty-nio/default");
  }
}
