package io.listenrain.benchmark;

import io.listenrain.benchmark.contender.Contenders;
import io.listenrain.benchmark.harness.BenchPlan;
import io.listenrain.benchmark.harness.BenchRunner;
import io.listenrain.benchmark.harness.CellResult;
import io.listenrain.benchmark.harness.CellRunner;
import io.listenrain.benchmark.harness.CellSpec;
import io.listenrain.benchmark.harness.Units;
import io.listenrain.benchmark.harness.Windows;
import io.listenrain.benchmark.report.Baselines;
import io.listenrain.benchmark.report.CsvReport;
import io.listenrain.benchmark.report.MarkdownReport;
import io.listenrain.benchmark.report.ThroughputChart;
import io.listenrain.benchmark.spi.Contender;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * The benchmark's command line: {@code bench [flags]} (see {@link BenchOptions#USAGE}). Runs unary echo, server
 * streaming and bidi ping-pong over one connection per contender, in a closed loop, and writes
 * {@code results.md}, {@code results.csv} and {@code results.png} to the output directory.
 *
 * <p>Exit status: 0 when every cell ran without a failed call, 1 when a call failed or a cell could not run, 2 on
 * a usage error.
 */
public final class BenchMain {
  /** The pre-warm pass runs each workload for this many per-cell warm-ups. */
  static final int PREWARM_FACTOR = 4;

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(Arrays.asList(args), System.out, System.err));
  }

  /** Runs the command and returns the exit status. */
  static int run(List<String> args, PrintStream out, PrintStream err) throws InterruptedException, IOException {
    if (args.isEmpty() || !args.get(0).equals("bench")) {
      err.println("the first argument must be the command 'bench'");
      err.println(BenchOptions.USAGE);
      return 2;
    }
    List<String> rest = args.subList(1, args.size());
    if (rest.contains("--help") || rest.contains("-h")) {
      out.println(BenchOptions.USAGE);
      return 0;
    }
    BenchOptions o;
    List<Contender> contenders;
    try {
      o = BenchOptions.parse(rest);
      contenders = o.contenders.isEmpty() ? Contenders.defaults() : Contenders.select(o.contenders);
    } catch (IllegalArgumentException | NoSuchElementException e) {
      err.println("bench: " + e.getMessage());
      err.println(BenchOptions.USAGE);
      return 2;
    }
    if (o.list) {
      List<Contender> defaults = Contenders.defaults();
      for (Contender c : Contenders.all()) {
        out.printf(Locale.ROOT,
            "%-28s %-15s %-9s %-7s %s%s%n", c.name(), c.group(), c.transport(), c.executorMode().label(),
            c.available() ? "available" : "unavailable", defaults.contains(c) ? ", default" : "");
      }
      return 0;
    }
    String baseline = o.baseline != null ? o.baseline : Contenders.defaultBaselineTransport();
    BenchPlan plan = BenchPlan.of(o.payloads, o.parallel, o.streamParallel, o.big, new Windows(o.warmup, o.measure));
    // The pre-warm pass (see BenchRunner): each contender runs each workload once, unmeasured, before any cell.
    Duration prewarm = o.warmup.multipliedBy(PREWARM_FACTOR);
    long workloads = plan.cells().stream().map(CellSpec::workload).distinct().count();
    Duration estimate = plan.estimate(contenders).plus(prewarm.multipliedBy(workloads * contenders.size()));
    out.printf(Locale.ROOT,
        "bench: %d contenders, %d cells, warm-up %s + measure %s per cell; estimated %d min %02d s%n",
        contenders.size(), plan.cellCount(contenders), Units.nanos(o.warmup.toNanos()),
        Units.nanos(o.measure.toNanos()), estimate.toMinutes(), estimate.toSecondsPart());
    out.println("bench: contenders " + contenders.stream().map(Contender::name).toList()
        + "; ratios against grpc-netty-" + baseline + "/<mode>");

    Instant started = Instant.now();
    List<CellResult> results = new BenchRunner(CellRunner.systemClock(), out, prewarm).run(contenders, plan);
    Duration took = Duration.between(started, Instant.now());

    Baselines baselines = new Baselines(results, baseline);
    List<String> context = new ArrayList<>();
    context.add("Run " + started.truncatedTo(ChronoUnit.SECONDS) + ", took " + took.toMinutes() + " min "
        + took.toSecondsPart() + " s; command: `bench " + String.join(" ", rest) + "`");
    context.add("JVM " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + ", "
        + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
        + Runtime.getRuntime().availableProcessors() + " cores, max heap "
        + Units.bytes(Runtime.getRuntime().maxMemory()));
    context.add("Client and server in one JVM over one connection each (loopback TCP unless the row says otherwise); "
        + "closed loop; warm-up " + Units.nanos(o.warmup.toNanos()) + ", measured window "
        + Units.nanos(o.measure.toNanos()) + " per cell; anything else running on the machine skews the numbers");
    String title = "ListenRain benchmark";
    String md = MarkdownReport.render(title, context, results, baselines);
    Files.createDirectories(o.out);
    Path mdFile = o.out.resolve("results.md");
    Path csvFile = o.out.resolve("results.csv");
    Path pngFile = o.out.resolve("results.png");
    Files.writeString(mdFile, md, StandardCharsets.UTF_8);
    Files.writeString(csvFile, CsvReport.render(results, baselines), StandardCharsets.UTF_8);
    boolean chart = ThroughputChart.write(title + ": unary echo throughput, one connection", results, pngFile);
    out.println();
    out.print(md);
    out.println("bench: wrote " + mdFile + ", " + csvFile + (chart ? ", " + pngFile : " (no unary cells, no chart)"));

    boolean clean = results.stream().allMatch(r -> r.ran() && r.failed() == 0);
    return clean ? 0 : 1;
  }
}
