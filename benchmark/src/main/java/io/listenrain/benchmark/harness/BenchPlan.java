package io.listenrain.benchmark.harness;

import io.listenrain.benchmark.spi.Contender;
import io.listenrain.benchmark.spi.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The cells every contender runs, in order, and the windows. Cells a contender does not support are skipped for it.
 *
 * @param cells the matrix, unary cells first
 * @param windows warm-up and measured window per cell
 */
public record BenchPlan(List<CellSpec> cells, Windows windows) {
  /** Estimated fixed cost per cell beyond its windows: drain, full GC, bookkeeping. */
  static final Duration CELL_OVERHEAD = Duration.ofMillis(400);
  /** Estimated cost of opening and closing one contender's session. */
  static final Duration SESSION_OVERHEAD = Duration.ofMillis(1500);
  /** Message size of the streaming workloads. */
  public static final int STREAM_MESSAGE_BYTES = 1024;
  /** Payload and parallelism of the opt-in {@code --big} cell: the original's 1000 x 4 MiB memory row. */
  public static final int BIG_PAYLOAD = 4 * 1024 * 1024;
  public static final int BIG_PARALLEL = 1000;

  public BenchPlan {
    cells = List.copyOf(cells);
  }

  /**
   * The matrix: unary payloads x parallelism, then (if {@code streamParallels} is not empty) server-stream and bidi
   * ping-pong cells of {@value #STREAM_MESSAGE_BYTES}-byte messages per stream count, then the {@code big} cell.
   */
  public static BenchPlan of(List<Integer> payloads, List<Integer> parallels, List<Integer> streamParallels,
      boolean big, Windows windows) {
    List<CellSpec> cells = new ArrayList<>();
    for (int p : payloads) {
      for (int n : parallels) {
        cells.add(new CellSpec(Workload.UNARY, p, n));
      }
    }
    for (Workload w : List.of(Workload.SERVER_STREAM, Workload.BIDI_PING_PONG)) {
      for (int n : streamParallels) {
        cells.add(new CellSpec(w, STREAM_MESSAGE_BYTES, n));
      }
    }
    if (big) {
      cells.add(new CellSpec(Workload.UNARY, BIG_PAYLOAD, BIG_PARALLEL));
    }
    return new BenchPlan(cells, windows);
  }

  /** The cells {@code contender} runs. */
  public List<CellSpec> cellsFor(Contender contender) {
    return cells.stream().filter(c -> contender.supports(c.workload())).toList();
  }

  /** Total cells over {@code contenders}. */
  public int cellCount(List<Contender> contenders) {
    return contenders.stream().mapToInt(c -> cellsFor(c).size()).sum();
  }

  /** A rough wall-time estimate for running {@code contenders}. */
  public Duration estimate(List<Contender> contenders) {
    Duration perCell = windows.warmup().plus(windows.measure()).plus(CELL_OVERHEAD);
    return perCell.multipliedBy(cellCount(contenders)).plus(SESSION_OVERHEAD.multipliedBy(contenders.size()));
  }
}
