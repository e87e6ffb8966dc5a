package io.listenrain.channel;

import io.netty.channel.local.LocalAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** A bound Netty server channel. Closing it frees the address: the port, the in-process name or the socket file. */
final class NettyAcceptor implements ChannelAcceptor {
  private final io.netty.channel.Channel server;
  private final SocketAddress address;
  private final Path socketFile;
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  NettyAcceptor(io.netty.channel.Channel server, SocketAddress requested, Path socketFile) {
    this.server = server;
    this.socketFile = socketFile;
    SocketAddress bound = server.localAddress();
    if (bound instanceof InetSocketAddress) {
      this.address = bound;
    } else if (bound instanceof LocalAddress || socketFile != null) {
      this.address = requested;
    } else {
      this.address = bound;
    }
    server.closeFuture().addListener(f -> released());
  }

  /** Deletes the socket file and completes the close future; may run twice, on two threads, harmlessly. */
  private void released() {
    if (closeFuture.isDone()) {
      return;
    }
    if (socketFile != null) {
      try {
        Files.deleteIfExists(socketFile);
      } catch (IOException e) {
        closeFuture.completeExceptionally(new UncheckedIOException(e));
        return;
      }
    }
    closeFuture.complete(null);
  }

  @Override
  public SocketAddress localAddress() {
    return address;
  }

  @Override
  public void close() {
    io.netty.channel.ChannelFuture closing = server.close();
    if (!server.eventLoop().inEventLoop()) {
      closing.awaitUninterruptibly();
      released(); // so that the address is free when close() returns, whichever listener runs first
    }
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  @Override
  public String toString() {
    return "acceptor[" + address + (socketFile != null ? " file=" + socketFile : "") + "]";
  }
}
