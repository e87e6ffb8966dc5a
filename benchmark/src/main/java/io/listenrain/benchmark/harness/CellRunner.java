package io.listenrain.benchmark.harness;

import io.listenrain.benchmark.spi.Contender;
import io.listenrain.benchmark.spi.Session;
import io.listenrain.benchmark.spi.Workload;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * Runs one cell on an open session and measures it: warm-up, then the measured window (calls, latency percentiles,
 * process CPU, heap peak, allocation), then a drain that waits for every outstanding call, then a full GC for the
 * post-GC heap. A window in which fewer calls completed than there are slots is extended (up to
 * {@value #EXTENSION_FACTOR} times), so that slow cells still report a rate; rates always use the actual window.
 */
public final class CellRunner {
  /** How long the drain after the window may take before outstanding calls are counted as failed. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
  /** A window that saw fewer completions than slots is extended up to this many times its length. */
  static final int EXTENSION_FACTOR = 4;
  private static final long EXTENSION_STEP_NANOS = 10_000_000;

  private final LongSupplier ticker;
  private final Duration drainTimeout;
  private final ResourceProbe probe = new ResourceProbe();

  /**
   * @param ticker monotonic nanoseconds ({@code System::nanoTime} outside tests)
   * @param drainTimeout how long to wait for outstanding calls after the window
   */
  public CellRunner(LongSupplier ticker, Duration drainTimeout) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout");
  }

  /** A runner on the system clock with the default drain timeout. */
  public static CellRunner systemClock() {
    return new CellRunner(System::nanoTime, DEFAULT_DRAIN_TIMEOUT);
  }

  /**
   * Runs {@code cell} on {@code session}, which belongs to {@code contender}. Returns when the cell has drained (or
   * the drain timed out, in which case the stragglers count as failed).
   *
   * @throws InterruptedException if interrupted while waiting; the loop is stopped first
   */
  public CellResult run(Contender contender, Session session, CellSpec cell, Windows windows)
      throws InterruptedException {
    ClosedLoop loop = new ClosedLoop(session, cell, ticker);
    try {
      loop.start();
      loop.runFor(windows.warmup().toNanos());

      probe.resetHeapPeaks();
      Map<Long, Long> alloc0 = probe.allocatedByThread();
      long cpu0 = probe.processCpuNanos();
      loop.takeLatencies(); // drop the warm-up's
      long done0 = loop.completed();
      long t0 = ticker.getAsLong();
      loop.measuring(true);

      loop.runFor(windows.measure().toNanos());
      // Slow cells (4 MiB x 64 on a busy machine) may complete nothing in a short window: extend it, in steps,
      // until every slot has completed once on average, up to EXTENSION_FACTOR times the window.
      long deadline = t0 + windows.measure().toNanos() * EXTENSION_FACTOR;
      while (loop.completed() - done0 < cell.parallel() && loop.outstanding() > 0
          && ticker.getAsLong() - deadline < 0) {
        loop.runFor(EXTENSION_STEP_NANOS);
      }

      loop.measuring(false);
      long t1 = ticker.getAsLong();
      long done1 = loop.completed();
      Histogram h = loop.takeLatencies();
      long cpu1 = probe.processCpuNanos();
      Map<Long, Long> alloc1 = probe.allocatedByThread();
      long peak = probe.heapPeakBytes();
      long direct = probe.directBytes();

      loop.stop();
      boolean drained = loop.awaitStopped(drainTimeout.toNanos());
      long hung = drained ? 0 : loop.outstanding();
      long postGc = probe.postGcHeapBytes();

      boolean latencies = cell.workload() != Workload.SERVER_STREAM && h.getTotalCount() > 0;
      Throwable first = loop.firstFailure();
      String failure = first != null ? describe(first)
          : hung > 0 ? hung + " slot(s) still outstanding " + drainTimeout.toSeconds() + " s after the window" : null;
      return new CellResult(contender.name(), contender.group(), contender.transport(), contender.executorMode(),
          cell, t1 - t0, done1 - done0, loop.failed() + hung, failure,
          latencies ? h.getValueAtPercentile(50) : -1,
          latencies ? h.getValueAtPercentile(99) : -1,
          latencies ? h.getValueAtPercentile(99.9) : -1,
          cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0, Runtime.getRuntime().availableProcessors(), peak, postGc,
          ResourceProbe.allocatedBetween(alloc0, alloc1), direct, null);
    } finally {
      loop.stop();
    }
  }

  /** The failure and, when it has one, its root cause (a gRPC status usually wraps the transport's reason). */
  static String describe(Throwable t) {
    Throwable root = t;
    for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 16; depth++) {
      root = root.getCause();
    }
    return root == t ? oneLine(t) : oneLine(t) + "; cause: " + oneLine(root);
  }

  private static String oneLine(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
  }
}
