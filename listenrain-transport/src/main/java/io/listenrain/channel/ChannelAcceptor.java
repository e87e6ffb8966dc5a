package io.listenrain.channel;

import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * A listening endpoint that accepts channels and hands each to a callback. Built by {@link Channels#listen}.
 *
 * <p>Closing the acceptor stops accepting and releases the address at once (a TCP port can be bound again, a Unix
 * socket file is deleted); channels already accepted stay open.
 */
public interface ChannelAcceptor extends AutoCloseable {

  /** Called on the accepted channel's executor for each new channel. The callback must {@link Channel#start} it. */
  @FunctionalInterface
  interface AcceptListener {
    void accepted(Channel channel);
  }

  /** The bound address; for TCP port 0 this carries the port actually chosen. */
  SocketAddress localAddress();

  /** Stops accepting. Idempotent. */
  @Override
  void close();

  /** Completes once the listening socket is closed. */
  CompletableFuture<Void> closeFuture();
}
