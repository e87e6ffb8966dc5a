package io.listenrain.benchmark.spi;

/**
 * Where a contender runs its callbacks, so that ratios compare like with like. Every gRPC contender runs twice, once
 * per mode; contenders without an executor choice report {@link #NONE} and are compared with the {@link #DIRECT}
 * baseline (they complete calls on their I/O threads, as {@code directExecutor()} does).
 */
public enum ExecutorMode {
  /** gRPC's default: application callbacks hop to an executor (a cached thread pool unless the user sets one). */
  DEFAULT("default"),
  /** {@code directExecutor()} on client and server: callbacks run on the transport threads. */
  DIRECT("direct"),
  /** The contender has no executor knob; it completes calls where the bytes arrive. */
  NONE("-");

  private final String label;

  ExecutorMode(String label) {
    this.label = label;
  }

  /** A short label for tables: {@code default}, {@code direct} or {@code -}. */
  public String label() {
    return label;
  }

  /** The mode of the baseline row this contender is compared with. */
  public ExecutorMode baselineMode() {
    return this == DEFAULT ? DEFAULT : DIRECT;
  }
}
