package io.listenrain.channel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The second process of the FIFO tests: relays bytes between two FIFO pairs, so a channel in the test JVM talks to
 * another channel in the test JVM only through this process. Plain JDK, no ListenRain code. Arguments:
 * {@code clientToRelay relayToClient serverToRelay relayToServer}. Each direction runs on its own thread: open the
 * source for reading, then the destination for writing, copy; end of the source closes the destination (the far
 * side reads end of stream), an error closes both. Exits when both directions ended.
 */
public final class FifoRelay {
  private FifoRelay() {}

  public static void main(String[] args) throws Exception {
    Thread up = direction(Path.of(args[0]), Path.of(args[3]), "relay-client-to-server");
    Thread down = direction(Path.of(args[2]), Path.of(args[1]), "relay-server-to-client");
    up.join();
    down.join();
  }

  private static Thread direction(Path from, Path to, String name) {
    Thread t = new Thread(() -> {
      try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
          FileChannel out = FileChannel.open(to, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        while (in.read(buf) >= 0) {
          buf.flip();
          while (buf.hasRemaining()) {
            out.write(buf);
          }
          buf.clear();
        }
      } catch (IOException e) {
        // The far side went away ("Broken pipe"): closing both ends passes that on.
      }
    }, name);
    t.start();
    return t;
  }
}
