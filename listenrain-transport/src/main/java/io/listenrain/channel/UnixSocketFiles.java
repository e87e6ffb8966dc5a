package io.listenrain.channel;

import java.io.IOException;
import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Decides whether an existing Unix socket file may be replaced before binding. A file left behind by a dead server is
 * removed; a live server's socket, or a file that is not a socket at all, is left alone and the bind fails.
 */
final class UnixSocketFiles {
  private UnixSocketFiles() {}

  static void removeStale(UnixDomainSocketAddress address) throws IOException {
    Path path = address.getPath();
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attrs.isOther()) {
      throw new BindException("cannot bind " + path + ": a file that is not a socket exists there");
    }
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(address);
    } catch (IOException refused) {
      Files.deleteIfExists(path); // nobody listens: a stale file from a dead process
      return;
    }
    throw new BindException("cannot bind " + path + ": address already in use");
  }
}
