package io.listenrain.benchmark.harness;

import java.time.Duration;

/**
 * How long each cell runs: a warm-up whose calls are not counted, then the measured window.
 *
 * @param warmup time spent in the loop before measuring (JIT, pools, TCP windows)
 * @param measure the window over which rates, latencies, CPU and allocation are taken
 */
public record Windows(Duration warmup, Duration measure) {
  public Windows {
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("warm-up must be >= 0: " + warmup);
    }
    if (measure.isNegative() || measure.isZero()) {
      throw new IllegalArgumentException("measure window must be positive: " + measure);
    }
  }
}
