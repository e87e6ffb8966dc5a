package io.listenrain.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What this test JVM holds of the OS, for tests that check connect/close cycles return it: fds and threads. */
public final class ProcessResources {
  private static final Path FDS = Path.of("/proc/self/fd");

  private ProcessResources() {}

  /** Whether open file descriptors can be counted here (Linux's /proc). */
  public static boolean canCountFds() {
    return Files.isDirectory(FDS);
  }

  public static long openFds() {
    try (Stream<Path> s = Files.list(FDS)) {
      return s.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static int liveThreads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }
}
