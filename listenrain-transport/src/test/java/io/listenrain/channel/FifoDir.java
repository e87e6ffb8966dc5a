package io.listenrain.channel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** A temporary directory holding named FIFOs (and a peer's log); {@link #close} removes it and everything in it. */
public final class FifoDir implements java.io.Closeable {
  public final Path dir;

  private FifoDir(Path dir) {
    this.dir = dir;
  }

  /** A fresh directory with a FIFO of each given name. */
  public static FifoDir create(String... names) throws IOException {
    FifoDir d = new FifoDir(Files.createTempDirectory("lr-fifo"));
    try {
      for (String n : names) {
        Channels.createFifo(d.path(n));
      }
    } catch (IOException e) {
      d.close();
      throw e;
    }
    return d;
  }

  public Path path(String name) {
    return dir.resolve(name);
  }

  @Override
  public void close() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
    }
    Files.deleteIfExists(dir);
  }
}
