package io.listenrain.benchmark.harness;

import io.listenrain.benchmark.spi.Contender;
import io.listenrain.benchmark.spi.Session;
import io.listenrain.benchmark.spi.Workload;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Runs a {@link BenchPlan} over contenders one at a time: open the contender's session, run its cells, close it.
 * Prints one progress line per cell. A contender that cannot open, or a cell that throws, yields
 * {@linkplain CellResult#notRun not-run} results with the reason instead of ending the run.
 *
 * <p>Before any cell is measured, a pre-warm pass runs every contender's workloads once, unmeasured. Contenders share
 * one JVM and much of their code (grpc-core, protobuf, Netty): without the pass, whichever row runs first also pays
 * for compiling that code, and its first cells read far too low (measured: half the calls/s of the same cell run
 * later).
 */
public final class BenchRunner {
  /** Parallelism of the pre-warm cells. */
  static final int PREWARM_PARALLEL = 4;

  private final CellRunner cells;
  private final PrintStream progress;
  private final Duration prewarm;

  public BenchRunner(CellRunner cells, PrintStream progress) {
    this(cells, progress, Duration.ZERO);
  }

  /**
   * @param prewarm how long each contender runs each workload in the pre-warm pass; zero skips the pass
   */
  public BenchRunner(CellRunner cells, PrintStream progress, Duration prewarm) {
    this.cells = cells;
    this.progress = progress;
    this.prewarm = prewarm;
  }

  /** Runs everything; returns the results in plan order per contender. */
  public List<CellResult> run(List<Contender> contenders, BenchPlan plan) throws InterruptedException {
    if (!prewarm.isZero()) {
      prewarm(contenders, plan);
    }
    List<CellResult> results = new ArrayList<>();
    int total = plan.cellCount(contenders);
    int n = 0;
    for (Contender c : contenders) {
      List<CellSpec> specs = plan.cellsFor(c);
      if (!c.available()) {
        for (CellSpec s : specs) {
          results.add(report(++n, total, CellResult.notRun(c.name(), c.group(), c.transport(), c.executorMode(), s,
              "not available on this machine")));
        }
        continue;
      }
      Session session;
      try {
        session = c.open();
      } catch (Exception e) {
        for (CellSpec s : specs) {
          results.add(report(++n, total, CellResult.notRun(c.name(), c.group(), c.transport(), c.executorMode(), s,
              "cannot open: " + e)));
        }
        continue;
      }
      try {
        for (CellSpec s : specs) {
          CellResult r;
          try {
            r = cells.run(c, session, s, plan.windows());
          } catch (RuntimeException e) {
            r = CellResult.notRun(c.name(), c.group(), c.transport(), c.executorMode(), s, "failed: " + e);
          }
          results.add(report(++n, total, r));
        }
      } finally {
        try {
          session.close();
        } catch (InterruptedException e) {
          throw e;
        } catch (Exception e) {
          progress.println("  (closing " + c.name() + " failed: " + e + ")");
        }
      }
    }
    return results;
  }

  /**
   * Runs each contender's workloads once, at the plan's first payload per workload, for {@link #prewarm} each;
   * nothing is recorded. Failures here are ignored: the measured cells report them.
   */
  private void prewarm(List<Contender> contenders, BenchPlan plan) throws InterruptedException {
    Map<Workload, CellSpec> firstPerWorkload = new LinkedHashMap<>();
    for (CellSpec s : plan.cells()) {
      firstPerWorkload.putIfAbsent(s.workload(), new CellSpec(s.workload(), s.payloadBytes(), PREWARM_PARALLEL));
    }
    progress.println("bench: pre-warming " + contenders.size() + " contenders, " + Units.nanos(prewarm.toNanos())
        + " per workload, unmeasured");
    Windows windows = new Windows(prewarm, Duration.ofMillis(1));
    for (Contender c : contenders) {
      if (!c.available()) {
        continue;
      }
      Session session;
      try {
        session = c.open();
      } catch (Exception e) {
        continue;
      }
      try {
        for (CellSpec s : firstPerWorkload.values()) {
          if (c.supports(s.workload())) {
            try {
              cells.run(c, session, s, windows);
            } catch (RuntimeException ignored) {
              // reported by the measured cells
            }
          }
        }
      } finally {
        try {
          session.close();
        } catch (InterruptedException e) {
          throw e;
        } catch (Exception ignored) {
          // the measured pass opens its own session
        }
      }
    }
  }

  private CellResult report(int n, int total, CellResult r) {
    progress.println(progressLine(n, total, r));
    progress.flush();
    return r;
  }

  /** The progress line of one cell. */
  public static String progressLine(int n, int total, CellResult r) {
    String head = String.format(Locale.ROOT, "[%3d/%d] %-26s %-24s", n, total, r.contender(), r.cell());
    if (!r.ran()) {
      return head + " not run: " + r.error();
    }
    String unit = r.cell().workload() == io.listenrain.benchmark.spi.Workload.UNARY ? "calls/s" : "msgs/s";
    String line = head + String.format(Locale.ROOT, " %10s %s %6s Gib/s  p50 %7s  p99 %7s  cpu %5.1f%%  alloc %s/call"
            + "  failed %d",
        Units.rate(r.callsPerSecond()), unit, Units.two(r.gibPerSecond()), Units.nanos(r.p50Nanos()),
        Units.nanos(r.p99Nanos()), r.cpuPercentOfMachine(),
        r.allocatedPerCall() < 0 ? "-" : Units.bytes(r.allocatedPerCall()), r.failed());
    return r.firstFailure() == null ? line : line + " (" + r.firstFailure() + ")";
  }
}
