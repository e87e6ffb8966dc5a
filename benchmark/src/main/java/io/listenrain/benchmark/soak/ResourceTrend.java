package io.listenrain.benchmark.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Whether resources stayed flat: compares the samples of the first minute of the run with those of the last minute
 * (for runs shorter than three minutes: the first and last third). For each resource the figure of a window is its
 * largest sample, so that a reconnect caught mid-way in one window counts the same as in the other; growth is last
 * minus first. Not thread-safe: the soak's reporter thread owns it.
 */
final class ResourceTrend {
  /** Heap after GC may grow by at most this much between the first and last minute. */
  static final long MAX_HEAP_GROWTH_BYTES = 32L * 1024 * 1024;
  /** Open file descriptors may grow by at most this many. */
  static final long MAX_FD_GROWTH = 16;
  /** Live threads may grow by at most this many. */
  static final long MAX_THREAD_GROWTH = 8;

  private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

  private final List<ResourceSample> samples = new ArrayList<>();

  void add(ResourceSample s) {
    samples.add(s);
  }

  /** The verdict over all samples so far; needs at least two samples. */
  Growth growth() {
    if (samples.size() < 2) {
      throw new IllegalStateException("need at least two samples, have " + samples.size());
    }
    long end = samples.get(samples.size() - 1).elapsedNanos();
    long window = end >= 3 * MINUTE ? MINUTE : Math.max(1, end / 3);
    List<ResourceSample> first = new ArrayList<>();
    List<ResourceSample> last = new ArrayList<>();
    for (ResourceSample s : samples) {
      if (s.elapsedNanos() <= window) {
        first.add(s);
      }
      if (s.elapsedNanos() >= end - window) {
        last.add(s);
      }
    }
    if (first.isEmpty()) {
      first.add(samples.get(0));
    }
    return new Growth(max(last, 0) - max(first, 0), max(last, 1) - max(first, 1), max(last, 2) - max(first, 2));
  }

  private static long max(List<ResourceSample> window, int which) {
    long m = Long.MIN_VALUE;
    for (ResourceSample s : window) {
      long v = which == 0 ? s.heapAfterGcBytes() : which == 1 ? s.fds() : s.threads();
      m = Math.max(m, v);
    }
    return m;
  }

  /**
   * Growth from the first to the last window.
   *
   * @param heapBytes heap after GC
   * @param fds open file descriptors
   * @param threads live threads
   */
  record Growth(long heapBytes, long fds, long threads) {
    boolean withinBounds() {
      return heapBytes <= MAX_HEAP_GROWTH_BYTES && fds <= MAX_FD_GROWTH && threads <= MAX_THREAD_GROWTH;
    }
  }
}
