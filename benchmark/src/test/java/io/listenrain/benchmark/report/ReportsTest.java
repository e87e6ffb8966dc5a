package io.listenrain.benchmark.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.listenrain.benchmark.harness.CellResult;
import io.listenrain.benchmark.harness.CellSpec;
import io.listenrain.benchmark.spi.ExecutorMode;
import io.listenrain.benchmark.spi.Workload;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ratios, tables and the chart, from hand-made results with known numbers. */
class ReportsTest {
  private static final CellSpec CELL = new CellSpec(Workload.UNARY, 4096, 16);
  private static final CellSpec STREAM = new CellSpec(Workload.SERVER_STREAM, 1024, 1);

  /** A result that completed {@code calls} in exactly one second. */
  private static CellResult result(String name, ExecutorMode mode, CellSpec cell, long calls) {
    return new CellResult(name, "g", "t", mode, cell, 1_000_000_000L, calls, 0, null, 1_000, 2_000, 3_000,
        500_000_000L, 2, 10 << 20, 5 << 20, calls * 100, 0, null);
  }

  private static final List<CellResult> RESULTS = List.of(
      result("grpc-netty-epoll/default", ExecutorMode.DEFAULT, CELL, 1_000),
      result("grpc-netty-epoll/direct", ExecutorMode.DIRECT, CELL, 2_000),
      result("grpc-netty-nio/direct", ExecutorMode.DIRECT, CELL, 4_000),
      result("x/default", ExecutorMode.DEFAULT, CELL, 3_000),
      result("x/direct", ExecutorMode.DIRECT, CELL, 3_000),
      result("raw", ExecutorMode.NONE, CELL, 5_000),
      result("x/direct", ExecutorMode.DIRECT, STREAM, 9_000),
      CellResult.notRun("broken", "g", "t", ExecutorMode.NONE, CELL, "cannot open: refused"));

  @Test
  void ratiosCompareWithTheBaselineOfTheSameExecutorMode() {
    Baselines b = new Baselines(RESULTS, "epoll");
    assertThat(b.ratio(RESULTS.get(3)).getAsDouble()).isEqualTo(3.0); // default vs default
    assertThat(b.ratio(RESULTS.get(4)).getAsDouble()).isEqualTo(1.5); // direct vs direct
    assertThat(b.ratio(RESULTS.get(5)).getAsDouble()).isEqualTo(2.5); // no mode vs direct
    assertThat(b.ratio(RESULTS.get(6))).isEmpty(); // no baseline in that cell
    assertThat(new Baselines(RESULTS, "nio").ratio(RESULTS.get(4)).getAsDouble()).isEqualTo(0.75);
  }

  @Test
  void theMarkdownHasOneTablePerWorkloadAndListsCellsThatDidNotRun() {
    String md = MarkdownReport.render("T", List.of("ctx"), RESULTS, new Baselines(RESULTS, "epoll"));
    assertThat(md).contains("## unary").contains("## server-stream").contains("msgs/s")
        .contains("| 4 KiB | 16 | x/direct | direct | 3,000 | 0.09 | 1.50 | 1 us | 2 us | 3 us | 25.0 | 10.0 | 5.0 | 0.0 | 100 B | 0 |")
        .contains("| 4 KiB | 16 | broken | - | not run |")
        .contains("- broken unary 4 KiB x16: cannot open: refused")
        .contains("CPU % = process CPU time delta");
  }

  @Test
  void theCsvHasOneLinePerResultWithTheHeaderColumns() {
    String csv = CsvReport.render(RESULTS, new Baselines(RESULTS, "epoll"));
    List<String> lines = csv.lines().toList();
    assertThat(lines).hasSize(RESULTS.size() + 1);
    int columns = CsvReport.HEADER.split(",").length;
    assertThat(lines.get(5).split(",", -1)).hasSize(columns);
    assertThat(lines.get(5)).startsWith("x/direct,g,t,direct,unary,4096,16,1000000000,3000,0,3000.0000,");
    assertThat(CsvReport.quote("a,\"b\"")).isEqualTo("\"a,\"\"b\"\"\"");
  }

  @Test
  void theChartSpansTheDecadesOfTheResultsAndIsEmptyWithoutUnaryResults() {
    BufferedImage img = ThroughputChart.render("t", RESULTS);
    assertThat(img).isNotNull();
    assertThat(img.getWidth()).isPositive();
    assertThat(ThroughputChart.render("t", List.of(RESULTS.get(6)))).isNull();
    double[] range = ThroughputChart.decades(RESULTS);
    assertThat(RESULTS.stream().filter(CellResult::ran).mapToDouble(CellResult::gibPerSecond))
        .allSatisfy(v -> assertThat(v).isBetween(range[0], range[1]));
    assertThat(range[0]).isEqualTo(0.01); // 1,000 calls/s x 4 KiB = 0.03 Gib/s
    assertThat(range[1]).isEqualTo(1.0);
  }
}
