package io.listenrain.server;

import io.listenrain.channel.Channel;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * The server side of a native protocol: serves channels with a {@link ServerRouter}, either accepted by its own
 * listener ({@link ServerTransports#listen}) or handed over by a port-sharing acceptor ({@link #serve}).
 *
 * <p>{@link #close()} is graceful: stops accepting, and closes each connection once every request it delivered has
 * been answered and the answers flushed (a router that never answers holds the close open; use
 * {@link #shutdownNow()}). {@link #shutdownNow()} aborts every connection at once.
 */
public interface Server extends AutoCloseable {

  /** The bound address (with the actual port for TCP port 0), or null when the server has no listener. */
  SocketAddress localAddress();

  /** Takes over an accepted, unstarted channel. Closed servers abort the channel. Any thread. */
  void serve(Channel channel);

  /** Connections currently open. */
  int connectionCount();

  /** Counters of this server. */
  ServerStats stats();

  /** Graceful close; idempotent. Returns {@link #closeFuture()}. */
  @Override
  void close();

  /** Forced close; idempotent. */
  void shutdownNow();

  /** Completes when the listener and every connection have closed after {@link #close()} or {@link #shutdownNow()}. */
  CompletableFuture<Void> closeFuture();
}
