package io.listenrain.benchmark.harness;

import io.netty.util.internal.PlatformDependent;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the process's resource counters through the platform MXBeans: process CPU time, per-thread allocated bytes,
 * heap pool peaks and direct memory. Where a counter is unsupported the probe reports -1 rather than failing.
 */
final class ResourceProbe {
  private final com.sun.management.OperatingSystemMXBean os;
  private final com.sun.management.ThreadMXBean threads;
  private final List<MemoryPoolMXBean> heapPools;
  private final List<BufferPoolMXBean> bufferPools;

  ResourceProbe() {
    java.lang.management.OperatingSystemMXBean o = ManagementFactory.getOperatingSystemMXBean();
    os = o instanceof com.sun.management.OperatingSystemMXBean ? (com.sun.management.OperatingSystemMXBean) o : null;
    java.lang.management.ThreadMXBean t = ManagementFactory.getThreadMXBean();
    com.sun.management.ThreadMXBean st = t instanceof com.sun.management.ThreadMXBean
        ? (com.sun.management.ThreadMXBean) t : null;
    if (st != null && st.isThreadAllocatedMemorySupported() && !st.isThreadAllocatedMemoryEnabled()) {
      st.setThreadAllocatedMemoryEnabled(true);
    }
    threads = st != null && st.isThreadAllocatedMemorySupported() ? st : null;
    heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP && p.isValid()).toList();
    bufferPools = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);
  }

  /** Process CPU time in nanoseconds, or -1. */
  long processCpuNanos() {
    return os == null ? -1 : os.getProcessCpuTime();
  }

  /** Allocated-bytes counter of every live thread, by thread id; empty if unsupported. */
  Map<Long, Long> allocatedByThread() {
    Map<Long, Long> out = new HashMap<>();
    if (threads == null) {
      return out;
    }
    long[] ids = threads.getAllThreadIds();
    long[] bytes = threads.getThreadAllocatedBytes(ids);
    for (int i = 0; i < ids.length; i++) {
      if (bytes[i] >= 0) {
        out.put(ids[i], bytes[i]);
      }
    }
    return out;
  }

  /** Bytes allocated between two {@link #allocatedByThread()} samples; threads born in between count from zero. */
  static long allocatedBetween(Map<Long, Long> start, Map<Long, Long> end) {
    if (end.isEmpty()) {
      return -1;
    }
    long sum = 0;
    for (Map.Entry<Long, Long> e : end.entrySet()) {
      sum += Math.max(0, e.getValue() - start.getOrDefault(e.getKey(), 0L));
    }
    return sum;
  }

  /** Resets the peak usage of every heap pool. */
  void resetHeapPeaks() {
    heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  /** Sum of the heap pools' peak usage since the last reset. */
  long heapPeakBytes() {
    long sum = 0;
    for (MemoryPoolMXBean p : heapPools) {
      sum += p.getPeakUsage().getUsed();
    }
    return sum;
  }

  /** Heap in use after a full collection. */
  long postGcHeapBytes() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Direct memory in use: the JDK's direct buffer pool plus Netty's cleaner-less allocations where it counts them. */
  long directBytes() {
    long sum = 0;
    for (BufferPoolMXBean b : bufferPools) {
      if (b.getName().equals("direct")) {
        sum += Math.max(0, b.getMemoryUsed());
      }
    }
    long netty = PlatformDependent.usedDirectMemory();
    return sum + Math.max(0, netty);
  }
}
