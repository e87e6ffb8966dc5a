package io.listenrain.benchmark.harness;

import io.listenrain.benchmark.spi.ExecutorMode;

/**
 * What one contender measured in one cell. Every figure covers the measured window only, except
 * {@code postGcHeapBytes} (after the cell) and {@code error} (set when the cell could not run at all).
 *
 * @param contender row name
 * @param group row family
 * @param transport the wire under the stack
 * @param mode executor mode
 * @param cell the cell
 * @param measuredNanos wall time of the window
 * @param completed calls (streams: messages) completed and verified in the window
 * @param failed calls failed or unverified, from warm-up to drain, plus calls still outstanding when the drain timed
 *     out; must be 0
 * @param firstFailure the first failure's description, or {@code null}
 * @param p50Nanos median latency, or -1 when not measured (server streams) or no call completed
 * @param p99Nanos 99th percentile latency, or -1
 * @param p999Nanos 99.9th percentile latency, or -1
 * @param cpuNanos process CPU time (user + system, all threads) spent during the window
 * @param cores available processors
 * @param peakHeapBytes sum over heap memory pools of each pool's peak usage during the window (an upper bound on
 *     the simultaneous peak)
 * @param postGcHeapBytes heap in use after a full GC at the end of the cell, sessions still open
 * @param allocatedBytes heap bytes allocated by all threads during the window (per-thread counters; threads that
 *     died inside the window are not counted)
 * @param directBytes direct memory in use at the end of the window (JDK buffer pool plus Netty's own counter)
 * @param error why the cell did not run, or {@code null}
 */
public record CellResult(String contender, String group, String transport, ExecutorMode mode, CellSpec cell,
    long measuredNanos, long completed, long failed, String firstFailure, long p50Nanos, long p99Nanos,
    long p999Nanos, long cpuNanos, int cores, long peakHeapBytes, long postGcHeapBytes, long allocatedBytes,
    long directBytes, String error) {

  /** A cell that could not run. */
  public static CellResult notRun(String contender, String group, String transport, ExecutorMode mode,
      CellSpec cell, String error) {
    return new CellResult(contender, group, transport, mode, cell, 0, 0, 0, null, -1, -1, -1, 0,
        Runtime.getRuntime().availableProcessors(), -1, -1, -1, -1, error);
  }

  public boolean ran() {
    return error == null;
  }

  /** Completed calls (messages) per second. */
  public double callsPerSecond() {
    return measuredNanos == 0 ? 0 : completed * 1e9 / measuredNanos;
  }

  /** One direction's payload throughput in binary gigabits per second: calls/s x payload x 8 / 2^30. */
  public double gibPerSecond() {
    return callsPerSecond() * cell.payloadBytes() * 8 / (double) (1L << 30);
  }

  /** Process CPU as a share of the whole machine: cpuNanos / measuredNanos / cores x 100 (100 = all cores busy). */
  public double cpuPercentOfMachine() {
    return measuredNanos == 0 ? 0 : cpuNanos * 100.0 / measuredNanos / cores;
  }

  /** Process CPU as {@code top} shows it: cpuNanos / measuredNanos x 100 (up to cores x 100). */
  public double cpuPercentOfOneCore() {
    return measuredNanos == 0 ? 0 : cpuNanos * 100.0 / measuredNanos;
  }

  /** Heap bytes allocated per completed call (per message for streams), or -1. */
  public long allocatedPerCall() {
    return completed == 0 || allocatedBytes < 0 ? -1 : allocatedBytes / completed;
  }
}
