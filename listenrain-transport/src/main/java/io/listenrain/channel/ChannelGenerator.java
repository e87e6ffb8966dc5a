package io.listenrain.channel;

import java.util.concurrent.CompletableFuture;

/**
 * Produces client channels: dials the endpoint(s) it was built for. A transport calls {@link #connect()} when it
 * needs a channel, and again to reconnect after the previous one died.
 *
 * <p>Implementations are thread-safe. After {@link #close()} every pending and later {@code connect()} fails with
 * {@link ChannelClosedException}; a closed generator dials no more.
 */
public interface ChannelGenerator extends AutoCloseable {

  /**
   * Starts one connection attempt (which may try several endpoints in turn, for failover). The future completes
   * with an open, unstarted channel, or fails with the last error. A {@link ConnectException} carries whether the
   * failure is worth retrying.
   */
  CompletableFuture<Channel> connect();

  /** Stops dialing. Idempotent; channels already handed out stay open. */
  @Override
  void close();
}
