package io.listenrain.benchmark.report;

import io.listenrain.benchmark.harness.CellResult;
import io.listenrain.benchmark.harness.CellSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Ratios against the baseline row: {@code grpc-netty-<transport>/<mode>} in the same cell, where the mode is the
 * row's own executor mode (rows without one compare with {@code direct}).
 */
public final class Baselines {
  private final String transport;
  private final Map<String, CellResult> byKey = new HashMap<>();

  /**
   * @param transport {@code nio} or {@code epoll}: which grpc-netty rows are the baseline
   */
  public Baselines(List<CellResult> results, String transport) {
    this.transport = transport;
    for (CellResult r : results) {
      if (r.ran()) {
        byKey.put(key(r.contender(), r.cell()), r);
      }
    }
  }

  public String transport() {
    return transport;
  }

  /** The baseline row's name for {@code r}. */
  public String baselineName(CellResult r) {
    return "grpc-netty-" + transport + "/" + r.mode().baselineMode().label();
  }

  /** {@code r}'s calls/s divided by its baseline's in the same cell, if both ran and the baseline completed calls. */
  public OptionalDouble ratio(CellResult r) {
    CellResult b = byKey.get(key(baselineName(r), r.cell()));
    if (!r.ran() || b == null || b.callsPerSecond() == 0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(r.callsPerSecond() / b.callsPerSecond());
  }

  private static String key(String contender, CellSpec cell) {
    return contender + "|" + cell;
  }
}
