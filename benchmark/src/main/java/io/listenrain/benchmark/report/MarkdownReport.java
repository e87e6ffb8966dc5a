package io.listenrain.benchmark.report;

import io.listenrain.benchmark.harness.CellResult;
import io.listenrain.benchmark.harness.CellSpec;
import io.listenrain.benchmark.harness.Units;
import io.listenrain.benchmark.spi.Workload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Renders results as Markdown: one table per workload, rows grouped by cell, each row with its ratio to the
 * grpc-netty baseline of the same executor mode. The header states how every column is computed.
 */
public final class MarkdownReport {
  private MarkdownReport() {}

  /**
   * @param title first heading
   * @param context lines describing the run (machine, JVM, windows...), printed as a list
   */
  public static String render(String title, List<String> context, List<CellResult> results, Baselines baselines) {
    StringBuilder sb = new StringBuilder();
    sb.append("# ").append(title).append("\n\n");
    for (String line : context) {
      sb.append("- ").append(line).append('\n');
    }
    sb.append("- Baseline: `grpc-netty-").append(baselines.transport())
        .append("/<mode>` in the same cell; `x base` = calls/s ÷ baseline calls/s. Rows without an executor mode (`-`)")
        .append(" complete calls on their I/O threads and are compared with the `direct` baseline.\n");
    sb.append("- Gib/s = calls/s × payload × 8 / 2^30, one direction. CPU % = process CPU time delta ÷ wall time ÷ ")
        .append("cores × 100 (100 = every core busy). Peak heap = sum of the heap pools' peaks during the window; ")
        .append("post-GC = heap used after System.gc() at the end of the cell; direct = direct memory in use at the end of the window (JDK pool + Netty's counter). alloc/call = heap bytes allocated by ")
        .append("all threads in the window ÷ calls. Latency from HdrHistogram, per call (streams: per message).\n\n");

    Map<Workload, List<CellResult>> byWorkload = new LinkedHashMap<>();
    for (CellResult r : results) {
      byWorkload.computeIfAbsent(r.cell().workload(), w -> new ArrayList<>()).add(r);
    }
    for (Map.Entry<Workload, List<CellResult>> e : byWorkload.entrySet()) {
      Workload w = e.getKey();
      String unit = w == Workload.UNARY ? "calls/s" : "msgs/s";
      sb.append("## ").append(w.label()).append("\n\n");
      sb.append("| payload | par | contender | mode | ").append(unit)
          .append(" | Gib/s | x base | p50 | p99 | p99.9 | CPU % | peak heap MiB | post-GC MiB | direct MiB | alloc/call | failed |\n");
      sb.append("|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      Map<String, List<CellResult>> byCell = new LinkedHashMap<>();
      for (CellResult r : e.getValue()) {
        byCell.computeIfAbsent(r.cell().toString(), k -> new ArrayList<>()).add(r);
      }
      // cells in plan order, rows in contender order inside each cell
      for (List<CellResult> rows : byCell.values()) {
        for (CellResult r : rows) {
          sb.append(row(r, baselines)).append('\n');
        }
      }
      sb.append('\n');
    }
    List<CellResult> failures = results.stream().filter(r -> !r.ran() || r.failed() > 0).toList();
    if (!failures.isEmpty()) {
      sb.append("## Failures and skipped cells\n\n");
      for (CellResult r : failures) {
        sb.append("- ").append(r.contender()).append(' ').append(r.cell()).append(": ")
            .append(r.ran() ? r.failed() + " failed, first: " + r.firstFailure() : r.error()).append('\n');
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String row(CellResult r, Baselines baselines) {
    CellSpec c = r.cell();
    if (!r.ran()) {
      return String.format(Locale.ROOT, "| %s | %d | %s | %s | not run | | | | | | | | | | | |",
          Units.bytes(c.payloadBytes()), c.parallel(), r.contender(), r.mode().label());
    }
    OptionalDouble ratio = baselines.ratio(r);
    return String.format(Locale.ROOT,
        "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %.1f | %s | %s | %s | %s | %d |",
        Units.bytes(c.payloadBytes()), c.parallel(), r.contender(), r.mode().label(),
        Units.rate(r.callsPerSecond()), Units.two(r.gibPerSecond()),
        ratio.isPresent() ? Units.two(ratio.getAsDouble()) : "-",
        Units.nanos(r.p50Nanos()), Units.nanos(r.p99Nanos()), Units.nanos(r.p999Nanos()),
        r.cpuPercentOfMachine(), Units.mib(r.peakHeapBytes()), Units.mib(r.postGcHeapBytes()),
        Units.mib(r.directBytes()), r.allocatedPerCall() < 0 ? "-" : Units.bytes(r.allocatedPerCall()), r.failed());
  }
}
