package io.listenrain.benchmark.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.listenrain.benchmark.spi.CallListener;
import io.listenrain.benchmark.spi.Contender;
import io.listenrain.benchmark.spi.ExecutorMode;
import io.listenrain.benchmark.spi.Payload;
import io.listenrain.benchmark.spi.Session;
import io.listenrain.benchmark.spi.Workload;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/** The closed loop and its measurements, driven by sessions that behave in chosen ways. */
class CellRunnerTest {
  private static final Windows SHORT = new Windows(Duration.ofMillis(20), Duration.ofMillis(150));

  /** A contender around a session whose unary calls do whatever {@code call} says. */
  private static Contender contender(BiConsumer<Payload, CallListener> call) {
    return contender(call, null);
  }

  /** The same, with {@code whenReady} (unless null) as the session's {@link Session#unaryWhenReady}. */
  private static Contender contender(BiConsumer<Payload, CallListener> call,
      BiConsumer<Payload, CallListener> whenReady) {
    return new Contender() {
      @Override
      public String name() {
        return "test";
      }

      @Override
      public String group() {
        return "test";
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
        return new Session() {
          @Override
          public void unary(Payload request, CallListener listener) {
            call.accept(request, listener);
          }

          @Override
          public void unaryWhenReady(Payload request, CallListener listener) {
            if (whenReady == null) {
              Session.super.unaryWhenReady(request, listener);
            } else {
              whenReady.accept(request, listener);
            }
          }

          @Override
          public void close() {}
        };
      }
    };
  }

  private static CellResult run(Contender c, int parallel, Duration drain) throws Exception {
    return new CellRunner(System::nanoTime, drain).run(c, c.open(), new CellSpec(Workload.UNARY, 64, parallel), SHORT);
  }

  @Test
  void theMemoryRowCallsWhenReadyAndOtherCellsCallUnary() throws Exception {
    // Every call fails at once, which stops its slot: each slot makes exactly one call (1000 slots completing in a
    // loop would spin 1000 starter threads).
    LongAdder unary = new LongAdder();
    LongAdder whenReady = new LongAdder();
    Contender c = contender((p, l) -> {
      unary.increment();
      l.onFailure(new IllegalStateException("unary"));
    }, (p, l) -> {
      whenReady.increment();
      l.onFailure(new IllegalStateException("when ready"));
    });
    CellRunner runner = new CellRunner(System::nanoTime, Duration.ofSeconds(5));

    CellResult big = runner.run(c, c.open(),
        new CellSpec(Workload.UNARY, BenchPlan.BIG_PAYLOAD, BenchPlan.BIG_PARALLEL), SHORT);
    assertThat(big.failed()).isEqualTo(BenchPlan.BIG_PARALLEL);
    assertThat(whenReady.sum()).isEqualTo(BenchPlan.BIG_PARALLEL);
    assertThat(unary.sum()).isZero();

    CellResult sameSizeFewer = runner.run(c, c.open(), new CellSpec(Workload.UNARY, BenchPlan.BIG_PAYLOAD, 4), SHORT);
    assertThat(sameSizeFewer.failed()).isEqualTo(4);
    assertThat(unary.sum()).as("the 4 MiB matrix cells keep the plain caller").isEqualTo(4);
    assertThat(whenReady.sum()).isEqualTo(BenchPlan.BIG_PARALLEL);
  }

  @Test
  void callsCompletedInsideTheCallThatStartedThemDoNotGrowTheStack() throws Exception {
    CellResult r = run(contender((p, l) -> l.onResponse()), 4, Duration.ofSeconds(5));
    assertThat(r.failed()).isZero();
    assertThat(r.completed()).isGreaterThan(10_000); // far beyond any stack depth
    assertThat(r.p50Nanos()).isNotNegative();
  }

  @Test
  void callsCompletedOnAnotherThreadAreCountedWithTheirLatency() throws Exception {
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      CellResult r = run(contender((p, l) -> other.execute(l::onResponse)), 8, Duration.ofSeconds(5));
      assertThat(r.failed()).isZero();
      assertThat(r.completed()).isPositive();
      assertThat(r.p99Nanos()).isGreaterThanOrEqualTo(r.p50Nanos()).isPositive();
      assertThat(r.callsPerSecond()).isPositive();
      assertThat(r.gibPerSecond()).isEqualTo(r.callsPerSecond() * 64 * 8 / (1L << 30));
    } finally {
      other.shutdownNow();
      other.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aWindowInWhichNoCallCompletesIsExtendedUntilEverySlotCompletedOnce() throws Exception {
    ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    try {
      // Each call takes 1.5 windows: an unextended window would see no completion at all.
      Contender slow = contender((p, l) -> later.schedule(l::onResponse, 225, TimeUnit.MILLISECONDS));
      CellResult r = new CellRunner(System::nanoTime, Duration.ofSeconds(5))
          .run(slow, slow.open(), new CellSpec(Workload.UNARY, 64, 2), new Windows(Duration.ZERO,
              Duration.ofMillis(150)));
      assertThat(r.completed()).isGreaterThanOrEqualTo(2);
      assertThat(r.measuredNanos()).isGreaterThan(Duration.ofMillis(150).toNanos());
      assertThat(r.failed()).isZero();
    } finally {
      later.shutdownNow();
      later.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aFailedCallStopsItsSlotAndIsReported() throws Exception {
    CellResult r = run(contender((p, l) -> l.onFailure(p.mismatch(1))), 3, Duration.ofSeconds(5));
    assertThat(r.failed()).isEqualTo(3);
    assertThat(r.completed()).isZero();
    assertThat(r.firstFailure()).contains("ResponseMismatchException").contains("expected 64");
  }

  @Test
  void anExceptionFromTheSessionCountsAsAFailedCall() throws Exception {
    CellResult r = run(contender((p, l) -> {
      throw new IllegalStateException("boom");
    }), 2, Duration.ofSeconds(5));
    assertThat(r.failed()).isEqualTo(2);
    assertThat(r.firstFailure()).contains("boom");
  }

  @Test
  void aWrappedFailureIsDescribedWithItsRootCause() throws Exception {
    CellResult r = run(contender((p, l) -> l.onFailure(new IllegalStateException("connection closed",
        new RuntimeException("wrapper", new java.io.IOException("Connection reset by peer"))))), 2,
        Duration.ofSeconds(5));
    assertThat(r.failed()).isEqualTo(2);
    assertThat(r.firstFailure())
        .isEqualTo("IllegalStateException: connection closed; cause: IOException: Connection reset by peer");
  }

  @Test
  void callsStillOutstandingWhenTheDrainTimesOutCountAsFailed() throws Exception {
    ConcurrentLinkedQueue<CallListener> swallowed = new ConcurrentLinkedQueue<>();
    CellResult r = run(contender((p, l) -> swallowed.add(l)), 5, Duration.ofMillis(50));
    assertThat(r.failed()).isEqualTo(5);
    assertThat(r.firstFailure()).contains("outstanding");
    assertThat(swallowed).hasSize(5);
  }
}
