package io.listenrain.grpc;

import io.listenrain.channel.InProcessAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** The three channel kinds the tests run over: the server listens on {@link #bindAddress()}. */
enum TransportKind {
  TCP {
    @Override
    SocketAddress bindAddress() {
      return new InetSocketAddress("127.0.0.1", 0);
    }
  },
  UNIX {
    @Override
    SocketAddress bindAddress() {
      try {
        Path dir = Files.createTempDirectory("lrgrpc");
        dir.toFile().deleteOnExit();
        return UnixDomainSocketAddress.of(dir.resolve("s" + COUNTER.incrementAndGet() + ".sock"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  },
  PIPE {
    @Override
    SocketAddress bindAddress() {
      return new InProcessAddress("lrgrpc-test-" + COUNTER.incrementAndGet());
    }
  };

  private static final AtomicInteger COUNTER = new AtomicInteger();

  abstract SocketAddress bindAddress();
}
