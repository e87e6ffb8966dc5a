package io.listenrain.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.BeforeClass;

/** grpc-java's interop suite over ListenRain on a Unix domain socket (epoll). */
public class ListenRainUnixInteropTest extends ListenRainInteropTestBase {
  private Path dir;

  @BeforeClass
  public static void nativeTransport() {
  }

  @Override
  protected SocketAddress bindAddress() {
    try {
      dir = Files.createTempDirectory("lr-interop");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return UnixDomainSocketAddress.of(dir.resolve("grpc.sock"));
  }

  @Override
  public void tearDown() {
    super.tearDown();
    try {
      if (dir != null) {
        Files.deleteIfExists(dir.resolve("grpc.sock"));
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
