package io.listenrain.benchmark.harness;

import io.listenrain.benchmark.spi.Workload;
import java.util.Objects;

/**
 * One cell of the matrix: a workload, a payload size and the number of calls (or streams) kept outstanding.
 *
 * @param workload what the slots do
 * @param payloadBytes bytes per request and per response (per message for streams)
 * @param parallel slots, each a closed loop with one call outstanding
 */
public record CellSpec(Workload workload, int payloadBytes, int parallel) {
  public CellSpec {
    Objects.requireNonNull(workload, "workload");
    if (payloadBytes < 0) {
      throw new IllegalArgumentException("payloadBytes must be >= 0: " + payloadBytes);
    }
    if (parallel < 1) {
      throw new IllegalArgumentException("parallel must be >= 1: " + parallel);
    }
  }

  /** For example {@code unary 4 KiB x16}. */
  @Override
  public String toString() {
    return workload.label() + " " + Units.bytes(payloadBytes) + " x" + parallel;
  }
}
