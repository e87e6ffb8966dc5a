package io.listenrain.benchmark.soak;

import io.listenrain.benchmark.harness.Units;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Formats the soak's progress lines and its summary. */
final class SoakReport {
  private SoakReport() {}

  static String progress(ResourceSample r, CallLedger.Snapshot now, CallLedger.Snapshot before, double seconds,
      long restarts, long kills) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "[%5ds] calls/s %s (", TimeUnit.NANOSECONDS.toSeconds(r.elapsedNanos()),
        Units.rate((now.totalSent() - before.totalSent()) / seconds)));
    boolean first = true;
    for (CallKind k : CallKind.values()) {
      b.append(first ? "" : ", ").append(k.label()).append(' ')
          .append(Units.rate((now.sent().get(k) - before.sent().get(k)) / seconds));
      first = false;
    }
    b.append(") | ok ").append(now.totalOk()).append(" failed ").append(now.totalFailed())
        .append(' ').append(now.failures())
        .append(" | lost ").append(now.lost()).append(" dup ").append(now.duplicated())
        .append(" misrouted ").append(now.misrouted()).append(" late ").append(now.late())
        .append(" violations ").append(now.totalViolations())
        .append(" | in flight ").append(now.inFlight())
        .append(" | heap after GC ").append(Units.mib(r.heapAfterGcBytes())).append(" MiB")
        .append(" fds ").append(r.fds()).append(" threads ").append(r.threads())
        .append(" | restarts ").append(restarts).append(" kills ").append(kills);
    return b.toString();
  }

  static void summary(PrintStream out, CallLedger.Snapshot s, ResourceTrend.Growth g, double seconds,
      long restarts, long kills, boolean pass) {
    out.println();
    out.println("== soak summary ==");
    out.printf(Locale.ROOT,
        "duration %.0f s, server restarts %d, connections reset %d (gRPC and native counted apart)%n", seconds,
        restarts, kills);
    for (CallKind k : CallKind.values()) {
      out.printf(Locale.ROOT, "  %-12s sent %,d ok %,d%n", k.label(), s.sent().get(k), s.ok().get(k));
    }
    out.printf(Locale.ROOT, "  total        sent %,d ok %,d failed %,d (%s/s sent)%n", s.totalSent(), s.totalOk(),
        s.totalFailed(), Units.rate(s.totalSent() / seconds));
    for (Map.Entry<String, Long> e : s.failures().entrySet()) {
      out.printf(Locale.ROOT, "  failed       %-40s %,d%n", e.getKey(), e.getValue());
    }
    out.printf(Locale.ROOT,
        "  lost %d, duplicated %d, misrouted %d, late %d, non-retryable or broken %d %s%n", s.lost(),
        s.duplicated(), s.misrouted(), s.late(), s.totalViolations(), s.violations());
    out.printf(Locale.ROOT, "  growth first->last minute: heap after GC %+.1f MiB (bound %s MiB), fds %+d (bound %d),"
        + " threads %+d (bound %d)%n",
        g.heapBytes() / 1048576.0, Units.mib(ResourceTrend.MAX_HEAP_GROWTH_BYTES), g.fds(), ResourceTrend.MAX_FD_GROWTH,
        g.threads(), ResourceTrend.MAX_THREAD_GROWTH);
    out.println(pass ? "RESULT: PASS" : "RESULT: FAIL");
  }
}
