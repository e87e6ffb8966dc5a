package io.listenrain.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLSession;

/**
 * A reliable, ordered, full-duplex byte stream: a TCP connection, a Unix domain socket, an in-process pipe or an
 * adapter over an {@link java.io.InputStream}/{@link java.io.OutputStream} pair.
 *
 * <h2>Threading</h2>
 * Every channel is bound to one {@link #executor() executor}, its I/O thread. All {@link ChannelHandler} callbacks run
 * on it, one at a time, in order. {@link #write(ByteBuf)} and {@link #flush()} must be called on that executor: a
 * caller on another thread hands its work over with {@code executor().execute(...)} (the transport's outbound queue
 * does exactly that, once per batch). {@link #close()}, {@link #abort(Throwable)} and the getters are thread-safe.
 *
 * <h2>Buffer ownership</h2>
 * {@link #write(ByteBuf)} takes ownership of the buffer, whatever happens: the channel releases it once written, or at
 * once when the channel is closed. Buffers passed to {@link ChannelHandler#channelRead(ByteBuf)} belong to the
 * handler, which must release them.
 *
 * <h2>Lifecycle</h2>
 * A channel is open when handed out by a {@link ChannelGenerator} or a {@link ChannelAcceptor}. {@link #start} is
 * called exactly once, after which reads begin. The channel closes when {@link #close()} or {@link #abort} is called,
 * when the peer closes, or on an I/O error; {@link ChannelHandler#channelClosed(Throwable)} is then called exactly
 * once, and {@link #closeFuture()} completes.
 */
public interface Channel {

  /**
   * Installs the handler and starts reading. Must be called exactly once. If the channel has already closed, the
   * handler's {@link ChannelHandler#channelClosed(Throwable)} is still called, once, on the executor.
   */
  void start(ChannelHandler handler);

  /** The single thread on which this channel's handler runs and on which writes must be issued. */
  EventExecutor executor();

  /** The allocator this channel reads into; writers should allocate from it too. */
  ByteBufAllocator alloc();

  /**
   * Queues {@code data} for writing, without flushing. Must be called on {@link #executor()}. Takes ownership of
   * {@code data}; on a closed channel the buffer is released and nothing is written.
   */
  void write(ByteBuf data);

  /** Flushes everything written so far to the underlying stream. Must be called on {@link #executor()}. */
  void flush();

  /**
   * Whether the channel's outbound buffer is below its high watermark. When this turns false, writers should stop
   * producing; {@link ChannelHandler#writabilityChanged(boolean)} tells when it turns true again.
   */
  boolean isWritable();

  /**
   * Stops ({@code true}) or resumes ({@code false}) reading from the peer: backpressure for a handler that holds more
   * than it can process. While paused nothing more is read from the underlying stream, so the peer's further bytes
   * wait in the kernel's buffers and then hold up its writes (TCP's receive window, a Unix socket's buffer, a pipe's
   * flow control; over the stream adapter the reader thread waits). Bytes already read may still be delivered just
   * after a pause. While paused, a peer's orderly close may go unnoticed until reads resume; a reset or a failed
   * write still closes the channel. Idempotent; must be called on {@link #executor()}; a channel starts unpaused.
   */
  void setReadsPaused(boolean paused);

  /** Whether the channel is open: not yet closed by either side. */
  boolean isOpen();

  /** The local address, or {@code null} if the channel kind has none. */
  SocketAddress localAddress();

  /** The peer's address, or {@code null} if the channel kind has none. */
  SocketAddress remoteAddress();

  /**
   * Closes gracefully: bytes already written are flushed, then the stream is closed (over TLS, after a close_notify
   * alert). Idempotent and thread-safe.
   *
   * @return {@link #closeFuture()}
   */
  CompletableFuture<Void> close();

  /**
   * Closes at once, discarding unflushed bytes; with TCP the peer sees a reset where the platform allows it. The
   * cause is reported to {@link ChannelHandler#channelClosed(Throwable)} unless the channel was already closed.
   * Idempotent and thread-safe. Over TLS no close_notify is sent, so the peer cannot take the abort for an orderly
   * close at the TLS level (its Netty TLS handler may still report the reset as a plain end of stream).
   */
  void abort(Throwable cause);

  /** Completes, normally, once the channel has closed and its handler has been told. */
  CompletableFuture<Void> closeFuture();

  /**
   * The TLS session of this channel, if it runs over TLS ({@link ChannelOptions#withClientTls},
   * {@link ChannelOptions#withServerTls}); empty for plaintext. A TLS channel is handed out only after its handshake
   * succeeded, so the session is complete: {@link SSLSession#getPeerCertificates()} gives the peer's verified chain
   * (and throws {@link javax.net.ssl.SSLPeerUnverifiedException} on a server whose client sent none). Thread-safe.
   * Wrappers that delegate to another channel must delegate this too.
   */
  default Optional<SSLSession> sslSession() {
    return Optional.empty();
  }

  /**
   * The socket options in force, by their standard names ({@code SO_LINGER}, {@code SO_SNDBUF}, {@code SO_RCVBUF},
   * {@code TCP_NODELAY}, {@code SO_KEEPALIVE}, ...) with their values as text; empty for kinds without a socket (the
   * in-process pipe, the stream adapter) and for a socket that has closed. For monitoring, such as gRPC's
   * channelz. Thread-safe; never throws. Wrappers that delegate to another channel must delegate this too.
   */
  default Map<String, String> socketOptions() {
    return Map.of();
  }

  /** A short name of the channel kind, such as {@code "tcp"}, {@code "unix"}, {@code "pipe"} or {@code "stream"}. */
  String kind();
}
