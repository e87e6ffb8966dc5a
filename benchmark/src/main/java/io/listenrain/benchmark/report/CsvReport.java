package io.listenrain.benchmark.report;

import io.listenrain.benchmark.harness.CellResult;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/** Renders results as CSV (RFC 4180 quoting), one line per contender and cell, raw numbers in base units. */
public final class CsvReport {
  static final String HEADER = "contender,group,transport,mode,workload,payload_bytes,parallel,measured_ns,completed,"
      + "failed,calls_per_s,gib_per_s,ratio_to_baseline,p50_ns,p99_ns,p999_ns,cpu_ns,cores,cpu_pct_machine,"
      + "cpu_pct_one_core,peak_heap_bytes,post_gc_heap_bytes,allocated_bytes,alloc_per_call_bytes,direct_bytes,"
      + "first_failure,error";

  private CsvReport() {}

  public static String render(List<CellResult> results, Baselines baselines) {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (CellResult r : results) {
      OptionalDouble ratio = baselines.ratio(r);
      sb.append(String.join(",",
          quote(r.contender()), quote(r.group()), quote(r.transport()), r.mode().label(),
          r.cell().workload().label(), Integer.toString(r.cell().payloadBytes()),
          Integer.toString(r.cell().parallel()), Long.toString(r.measuredNanos()), Long.toString(r.completed()),
          Long.toString(r.failed()), num(r.callsPerSecond()), num(r.gibPerSecond()),
          ratio.isPresent() ? num(ratio.getAsDouble()) : "",
          Long.toString(r.p50Nanos()), Long.toString(r.p99Nanos()), Long.toString(r.p999Nanos()),
          Long.toString(r.cpuNanos()), Integer.toString(r.cores()), num(r.cpuPercentOfMachine()),
          num(r.cpuPercentOfOneCore()), Long.toString(r.peakHeapBytes()), Long.toString(r.postGcHeapBytes()),
          Long.toString(r.allocatedBytes()), Long.toString(r.allocatedPerCall()), Long.toString(r.directBytes()),
          quote(r.firstFailure()), quote(r.error())))
          .append('\n');
    }
    return sb.toString();
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  static String quote(String s) {
    if (s == null) {
      return "";
    }
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
