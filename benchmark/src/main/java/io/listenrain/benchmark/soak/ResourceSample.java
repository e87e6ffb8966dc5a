package io.listenrain.benchmark.soak;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The process's resources at one moment.
 *
 * @param elapsedNanos time since the soak started
 * @param heapAfterGcBytes the sum over heap pools of their usage after the last collection
 *     ({@link MemoryPoolMXBean#getCollectionUsage()}); {@link #take} runs a collection first so the figure is fresh
 * @param fds open file descriptors ({@code /proc/self/fd}), or -1 where there is no such directory
 * @param threads live threads
 */
record ResourceSample(long elapsedNanos, long heapAfterGcBytes, long fds, int threads) {

  /** Collects garbage, then reads heap after GC, descriptors and threads. */
  static ResourceSample take(long elapsedNanos) {
    System.gc(); // a fresh post-GC figure every sample; one full collection per report interval is cheap here
    long heap = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.isValid()) {
        MemoryUsage u = p.getCollectionUsage();
        if (u != null) {
          heap += u.getUsed();
        }
      }
    }
    return new ResourceSample(elapsedNanos, heap, openFds(), ManagementFactory.getThreadMXBean().getThreadCount());
  }

  private static long openFds() {
    Path dir = Path.of("/proc/self/fd");
    if (!Files.isDirectory(dir)) {
      return -1;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.count() - 1; // the listing holds one descriptor itself
    } catch (IOException e) {
      return -1;
    }
  }
}
