package io.listenrain.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLSession;

/**
 * A {@link Channel} over a Netty channel: TCP and Unix sockets (epoll or NIO) and in-process pipes ({@code LocalChannel}).
 * Reads stay off until {@link #start}; the bridge handler below is the only handler in the Netty pipeline.
 *
 * <p>Lifecycle: the Netty channel going inactive is the single source of "closed", with one exception below. If a
 * handler is installed it is told once and then {@link #closeFuture()} completes; if the channel closes before
 * {@link #start}, the close future completes at once (nobody is there to tell) and a later {@code start} still reports
 * {@code channelClosed} once.
 *
 * <p>In-process pipes: Netty's {@code LocalChannel} drops whatever the peer has not read yet when either side closes,
 * so a plain close would lose data that was already "flushed". A graceful close of a pipe therefore sends an in-band
 * end-of-stream marker behind the data and closes this side logically at once (it reports closed, drops reads and
 * writes); the peer closes the pipe when it reads the marker, after everything before it, as it would at a TCP FIN.
 *
 * <p>TLS: an {@link SslHandler} may sit below the bridge ({@link TlsHandlers}). It reads during the handshake, before
 * {@link #start}, and may decode application data that arrived right behind the handshake; the bridge keeps such
 * early reads and hands them to the handler first when it starts (or releases them if the channel closes unstarted).
 */
final class NettyChannel implements Channel {
  private final io.netty.channel.Channel ch;
  private final String kind;
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final boolean pipe;
  /** The TLS handler below the bridge, or {@code null} for plaintext; kept, since the pipeline empties on close. */
  private final SslHandler tls;
  /** A pipe sent its end-of-stream marker: closed for its user, though the Netty channel waits for the peer. */
  private volatile boolean closedLocally;
  /** A pipe has more bytes in flight to its peer than the high watermark allows; see {@link PipeFlow}. */
  private volatile boolean flowBlocked;

  // Written and read on the event loop only.
  private ChannelHandler handler;
  private Throwable closeCause;
  private boolean inactive;
  /** Reads paused by the handler ({@link #setReadsPaused}); event loop only. */
  private boolean readsPaused;
  private boolean reported;
  private boolean reportedWritable = true;
  private PipeFlow flow;
  /** Aborted: reads still in flight are dropped (a removed TLS handler hands on its undecoded bytes). */
  private boolean aborted;
  /** Reads that arrived before {@link #start} (only a TLS handshake reads that early). */
  private ArrayDeque<ByteBuf> early;

  NettyChannel(io.netty.channel.Channel ch, String kind) {
    this.ch = ch;
    this.kind = kind;
    this.pipe = ch instanceof io.netty.channel.local.LocalChannel;
    this.tls = ch.pipeline().get(SslHandler.class); // added by Channels before this bridge, if at all
    ch.config().setAutoRead(false);
    ch.pipeline().addLast("listenrain", new Bridge());
  }

  @Override
  public void start(ChannelHandler handler) {
    if (handler == null) {
      throw new NullPointerException("handler");
    }
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("channel already started: " + this);
    }
    ch.eventLoop().execute(() -> {
      this.handler = handler;
      pipeFlow();
      deliverEarlyReads();
      if (inactive || closedLocally) {
        reportClosed();
        return;
      }
      if (!readsPaused) {
        ch.config().setAutoRead(true);
        ch.read();
      }
    });
  }

  /** Hands reads that came before start to the handler, in order; on the event loop. */
  private void deliverEarlyReads() {
    if (early == null) {
      return;
    }
    ArrayDeque<ByteBuf> reads = early;
    early = null;
    try {
      while (!reads.isEmpty() && !reported && !closedLocally) {
        handler.channelRead(reads.poll());
      }
      if (!reported && !closedLocally) {
        handler.channelReadComplete();
      }
    } catch (RuntimeException e) {
      if (closeCause == null) {
        closeCause = e; // as a throwing handler on the pipeline: the channel closes with that cause
      }
      ch.close();
    } finally {
      releaseAll(reads);
    }
  }

  private static void releaseAll(ArrayDeque<ByteBuf> reads) {
    for (ByteBuf b; (b = reads.poll()) != null; ) {
      ReferenceCountUtil.safeRelease(b);
    }
  }

  @Override
  public Map<String, String> socketOptions() {
    Map<String, String> out = new TreeMap<>();
    Map<ChannelOption<?>, Object> options;
    try {
      options = ch.config().getOptions();
    } catch (RuntimeException closedMeanwhile) {
      return out; // the socket closed under us (Netty's ChannelException): nothing left to report
    }
    for (Map.Entry<ChannelOption<?>, Object> e : options.entrySet()) {
      String name = e.getKey().name();
      if (e.getValue() != null && (name.startsWith("SO_") || name.startsWith("TCP_") || name.startsWith("IP_"))) {
        out.put(name, String.valueOf(e.getValue()));
      }
    }
    return out;
  }

  @Override
  public Optional<SSLSession> sslSession() {
    return tls == null ? Optional.empty() : Optional.of(tls.engine().getSession());
  }

  @Override
  public EventExecutor executor() {
    return ch.eventLoop();
  }

  @Override
  public ByteBufAllocator alloc() {
    return ch.alloc();
  }

  @Override
  public void write(ByteBuf data) {
    if (!ch.isActive() || closedLocally) {
      ReferenceCountUtil.safeRelease(data);
      return;
    }
    int bytes = data.readableBytes();
    ch.write(data, ch.voidPromise());
    if (reportedWritable && !ch.isWritable()) {
      updateWritability(); // a TLS handler's queue reports crossing the watermark only in a later task
    }
    PipeFlow f = pipeFlow();
    if (f != null && f.wrote(this, bytes) > ch.config().getWriteBufferHighWaterMark() && !flowBlocked) {
      flowBlocked = true;
      updateWritability();
    }
  }

  /** The low watermark of the outbound buffer; any thread. */
  int lowWatermark() {
    return ch.config().getWriteBufferLowWaterMark();
  }

  /** This pipe's flow control, attached on first use once connected; {@code null} for other kinds. */
  private PipeFlow pipeFlow() {
    if (pipe && flow == null && !inactive) {
      flow = PipeFlow.attach(ch, this);
    }
    return flow;
  }

  /** Recomputes writability (Netty's outbound buffer and, for pipes, the bytes in flight) and reports a change. */
  void updateWritability() {
    if (flowBlocked && (flow == null || flow.inFlight(this) < lowWatermark())) {
      flowBlocked = false;
    }
    boolean now = isWritable();
    if (now != reportedWritable) {
      reportedWritable = now;
      if (handler != null && !reported && !closedLocally) {
        handler.writabilityChanged(now);
      }
    }
  }

  @Override
  public void flush() {
    ch.flush();
  }

  @Override
  public boolean isWritable() {
    return ch.isWritable() && !flowBlocked;
  }

  @Override
  public void setReadsPaused(boolean paused) {
    if (readsPaused == paused) {
      return;
    }
    readsPaused = paused;
    if (handler != null && ch.isOpen()) {
      ch.config().setAutoRead(!paused); // turning it back on asks for a read
    }
  }

  @Override
  public boolean isOpen() {
    return ch.isOpen() && !closedLocally;
  }

  @Override
  public SocketAddress localAddress() {
    return ch.localAddress();
  }

  @Override
  public SocketAddress remoteAddress() {
    return ch.remoteAddress();
  }

  @Override
  public CompletableFuture<Void> close() {
    runOnLoop(() -> {
      if (!ch.isOpen() || closedLocally) {
        return;
      }
      if (pipe) {
        ch.writeAndFlush(PipeEndOfStream.INSTANCE, ch.voidPromise());
        closedLocally = true;
        if (handler != null) {
          ch.eventLoop().execute(this::reportClosed); // later, as Netty reports inactive: never re-enter
        } else {
          closeFuture.complete(null);
        }
        return;
      }
      // The empty write completes only after every earlier write has, so nothing queued is lost.
      ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    });
    return closeFuture;
  }

  @Override
  public void abort(Throwable cause) {
    runOnLoop(() -> {
      if (!ch.isOpen()) {
        return;
      }
      if (closeCause == null) {
        closeCause = cause;
      }
      if (ch instanceof io.netty.channel.socket.SocketChannel && ch.isActive()) {
        try {
          // Linger 0: the kernel drops unsent data and sends RST instead of FIN.
          ch.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException ignored) {
          // Best effort: a plain close is still a close.
        }
      }
      aborted = true;
      if (tls != null && ch.pipeline().context(tls) != null) {
        ch.pipeline().remove(tls); // no close_notify: the peer must not mistake an abort for an orderly close
      }
      ch.close();
    });
  }

  private void runOnLoop(Runnable task) {
    if (ch.eventLoop().inEventLoop()) {
      task.run();
    } else {
      ch.eventLoop().execute(task);
    }
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  @Override
  public String kind() {
    return kind;
  }

  /**
   * Completes when the peer's TLS close_notify arrived, fails if the channel closed without one; {@code null} for
   * a channel without TLS. Used by tests of graceful close.
   */
  io.netty.util.concurrent.Future<io.netty.channel.Channel> tlsCloseNotify() {
    return tls == null ? null : tls.sslCloseFuture();
  }

  /** Closes the output side only (TCP FIN, the read side stays open). Used by tests of half-close. */
  void shutdownOutput() {
    if (ch instanceof DuplexChannel) {
      ((DuplexChannel) ch).shutdownOutput();
    }
  }

  private void reportClosed() {
    if (reported) {
      return;
    }
    reported = true;
    try {
      handler.channelClosed(closeCause);
    } finally {
      closeFuture.complete(null);
    }
  }

  @Override
  public String toString() {
    return kind + "[" + ch.localAddress() + " -> " + ch.remoteAddress() + "]";
  }

  private final class Bridge extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof SslCloseCompletionEvent) {
        // The peer sent close_notify: it will send nothing more. Answer with ours and close, as a TCP channel closes
        // on the peer's end of stream; the peer, waiting for our close_notify, then closes without a timeout.
        close();
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg == PipeEndOfStream.INSTANCE) {
        ctx.close(); // the peer closed gracefully and everything it wrote before has been delivered
        return;
      }
      PipeFlow f = pipeFlow();
      if (f != null && msg instanceof ByteBuf) {
        f.read(NettyChannel.this, ((ByteBuf) msg).readableBytes());
      }
      if (aborted) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (handler == null && msg instanceof ByteBuf) {
        if (early == null) {
          early = new ArrayDeque<>();
        }
        early.add((ByteBuf) msg); // a TLS handshake read ahead; delivered at start
        return;
      }
      if (handler == null || reported || closedLocally) {
        ReferenceCountUtil.release(msg);
        return;
      }
      handler.channelRead((ByteBuf) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (handler != null && !reported && !closedLocally) {
        handler.channelReadComplete();
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      updateWritability();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (closeCause == null) {
        closeCause = cause;
      }
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      inactive = true;
      if (flow != null) {
        flow.detach();
      }
      if (handler != null) {
        reportClosed();
      } else {
        closeFuture.complete(null); // not started: nobody to tell yet; start() will still report once
      }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      if (early != null && handler == null) {
        releaseAll(early); // the channel went away before its handler was installed
      }
    }

    @Override
    public void channelUnregistered(ChannelHandlerContext ctx) {
      // A channel that never became active (a failed connect) never fires channelInactive.
      if (!inactive) {
        inactive = true;
        if (handler != null) {
          reportClosed();
        } else {
          closeFuture.complete(null);
        }
      }
    }
  }
}
