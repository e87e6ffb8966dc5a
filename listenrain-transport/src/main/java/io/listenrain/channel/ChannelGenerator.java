package io.listenrain.channel;

import java.util.concurrent.CompletableFuture;

/**
 * Produces client channels: dials the endpoint(s) it was built for. A transport calls {@link #connect()} when it
 * needs a channel, and again to reconnect after the previous one died. {@link Dialer} is the built-in implementation
 * (failover, backoff, retries).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Thread-safe: {@code connect()} may be called from any thread, several times concurrently; each call is an
 *       independent attempt with its own future.</li>
 *   <li>{@code connect()} never blocks. Its future completes on an arbitrary thread (often an I/O thread), so
 *       dependents must not block either.</li>
 *   <li>On success the caller owns the channel: it is open and unstarted, and the caller must
 *       {@link Channel#start start} it or {@link Channel#abort abort} it. If the caller cancels the future and a
 *       channel arrives anyway, the generator closes that channel: none is leaked.</li>
 *   <li>On failure the future fails with a {@link ConnectException} whose {@link ConnectException#isRetryable()} says
 *       whether calling {@code connect()} again may help, or with {@link ChannelClosedException}.</li>
 *   <li>After {@link #close()} every pending and later {@code connect()} fails with {@link ChannelClosedException}; a
 *       closed generator dials no more. Channels already handed out are unaffected.</li>
 * </ul>
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
