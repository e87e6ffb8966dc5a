package io.listenrain.benchmark.contender;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** Fresh endpoints for benchmark sessions: unique names, loopback addresses and socket files. */
public final class Endpoints {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private Endpoints() {}

  /** A name unique in this machine for the life of this process, such as {@code lr-bench-4711-3}. */
  public static String uniqueName() {
    return "lr-bench-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
  }

  /** The loopback address on an ephemeral port. */
  public static InetSocketAddress loopbackEphemeral() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }

  /** A Unix socket file path for {@code endpointName} in the temporary directory (short: paths are limited to ~100 bytes). */
  public static Path socketFile(String endpointName) {
    return Path.of(System.getProperty("java.io.tmpdir"), endpointName + ".sock");
  }

  /** Deletes the socket file of {@code endpointName} if one exists. */
  static void deleteSocketFile(String endpointName) {
    try {
      Files.deleteIfExists(socketFile(endpointName));
    } catch (IOException e) {
      // A stale file in the temporary directory is harmless; the next session uses another name.
    }
  }
}
