package io.listenrain.benchmark.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.listenrain.benchmark.spi.Workload;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchPlanTest {
  private static final Windows W = new Windows(Duration.ofSeconds(1), Duration.ofSeconds(2));

  @Test
  void unaryCellsComeFirstThenStreamsThenTheBigCell() {
    BenchPlan plan = BenchPlan.of(List.of(4096, 1 << 20), List.of(1, 16), List.of(1), true, W);
    assertThat(plan.cells()).containsExactly(
        new CellSpec(Workload.UNARY, 4096, 1), new CellSpec(Workload.UNARY, 4096, 16),
        new CellSpec(Workload.UNARY, 1 << 20, 1), new CellSpec(Workload.UNARY, 1 << 20, 16),
        new CellSpec(Workload.SERVER_STREAM, 1024, 1), new CellSpec(Workload.BIDI_PING_PONG, 1024, 1),
        new CellSpec(Workload.UNARY, 4 << 20, 1000));
  }

  @Test
  void theEstimateCountsOnlyTheCellsAContenderSupports() {
    BenchPlan plan = BenchPlan.of(List.of(4096), List.of(1), List.of(1), false, W);
    var unaryOnly = io.listenrain.benchmark.contender.Contenders.select(List.of("socket-tcp"));
    var grpc = io.listenrain.benchmark.contender.Contenders.select(List.of("grpc-netty-nio/direct"));
    assertThat(plan.cellCount(unaryOnly)).isEqualTo(1);
    assertThat(plan.cellCount(grpc)).isEqualTo(3);
    Duration perCell = Duration.ofSeconds(3).plus(BenchPlan.CELL_OVERHEAD);
    assertThat(plan.estimate(grpc)).isEqualTo(perCell.multipliedBy(3).plus(BenchPlan.SESSION_OVERHEAD));
  }
}
