package io.listenrain.benchmark.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.listenrain.benchmark.spi.CallListener;
import io.listenrain.benchmark.spi.Contender;
import io.listenrain.benchmark.spi.ExecutorMode;
import io.listenrain.benchmark.spi.Payload;
import io.listenrain.benchmark.spi.Session;
import io.listenrain.benchmark.spi.Workload;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The runner's order of work: the pre-warm pass, then every contender's measured cells. */
class BenchRunnerTest {
  private final ExecutorService completions = Executors.newSingleThreadExecutor();
  private final List<String> sessions = new CopyOnWriteArrayList<>();
  private final Map<Integer, AtomicInteger> callsPerSession = new ConcurrentHashMap<>();

  @AfterEach
  void tearDown() {
    completions.shutdownNow();
  }

  /** A contender whose sessions answer every call on another thread, and which logs each session it opens. */
  private Contender contender(String name) {
    return new Contender() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String group() {
        return name;
      }

      @Override
      public String transport() {
        return "none";
      }

      @Override
      public ExecutorMode executorMode() {
        return ExecutorMode.NONE;
      }

      @Override
      public Set<Workload> workloads() {
        return Set.of(Workload.UNARY);
      }

      @Override
      public Session open() {
        sessions.add(name);
        AtomicInteger calls = callsPerSession.computeIfAbsent(sessions.size() - 1, k -> new AtomicInteger());
        return new Session() {
          @Override
          public void unary(Payload request, CallListener listener) {
            calls.incrementAndGet();
            completions.execute(listener::onResponse);
          }

          @Override
          public void close() {}
        };
      }
    };
  }

  @Test
  void preWarmPassRunsEveryContenderBeforeAnyCellIsMeasured() throws Exception {
    BenchPlan plan = BenchPlan.of(List.of(64), List.of(1), List.of(), false,
        new Windows(Duration.ofMillis(10), Duration.ofMillis(50)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<CellResult> results = new BenchRunner(CellRunner.systemClock(), new PrintStream(out, true,
        StandardCharsets.UTF_8), Duration.ofMillis(50)).run(List.of(contender("a"), contender("b")), plan);

    assertThat(sessions).containsExactly("a", "b", "a", "b"); // pre-warm a, pre-warm b, then the measured cells
    assertThat(callsPerSession.get(0).get()).isPositive();
    assertThat(callsPerSession.get(1).get()).isPositive();
    assertThat(results).hasSize(2).allSatisfy(r -> assertThat(r.ran()).isTrue());
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("pre-warming 2 contenders");
  }

  @Test
  void withoutPreWarmEachContenderIsOpenedOnce() throws Exception {
    BenchPlan plan = BenchPlan.of(List.of(64), List.of(1), List.of(), false,
        new Windows(Duration.ofMillis(10), Duration.ofMillis(50)));
    new BenchRunner(CellRunner.systemClock(), new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8)).run(List.of(contender("a"), contender("b")), plan);

    assertThat(sessions).containsExactly("a", "b");
  }
}
