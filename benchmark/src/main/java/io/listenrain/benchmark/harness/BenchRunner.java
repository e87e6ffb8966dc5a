package io.listenrain.benchmark.harness;

import io.listenrain.benchmark.spi.Contender;
import io.listenrain.benchmark.spi.Session;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs a {@link BenchPlan} over contenders one at a time: open the contender's session, run its cells, close it.
 * Prints one progress line per cell. A contender that cannot open, or a cell that throws, yields
 * {@linkplain CellResult#notRun not-run} results with the reason instead of ending the run.
 */
public final class BenchRunner {
  private final CellRunner cells;
  private final PrintStream progress;

  public BenchRunner(CellRunner cells, PrintStream progress) {
    this.cells = cells;
    this.progress = progress;
  }

  /** Runs everything; returns the results in plan order per contender. */
  public List<CellResult> run(List<Contender> contenders, BenchPlan plan) throws InterruptedException {
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
