package io.listenrain.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link Channel} over a Netty channel: TCP and Unix sockets (epoll or NIO) and in-process pipes ({@code LocalChannel}).
 * Reads stay off until {@link #start}; the bridge handler below is the only handler in the Netty pipeline.
 *
 * <p>Lifecycle: the Netty channel going inactive is the single source of "closed". If a handler is installed it is
 * told once and then {@link #closeFuture()} completes; if the channel closes before {@link #start}, the close future
 * completes at once (nobody is there to tell) and a later {@code start} still reports {@code channelClosed} once.
 */
final class NettyChannel implements Channel {
  private final io.netty.channel.Channel ch;
  private final String kind;
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  private final AtomicBoolean started = new AtomicBoolean();

  // Written and read on the event loop only.
  private ChannelHandler handler;
  private Throwable closeCause;
  private boolean inactive;
  private boolean reported;

  NettyChannel(io.netty.channel.Channel ch, String kind) {
    this.ch = ch;
    this.kind = kind;
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
      if (inactive) {
        reportClosed();
        return;
      }
      ch.config().setAutoRead(true);
      ch.read();
    });
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
    if (!ch.isActive()) {
      ReferenceCountUtil.safeRelease(data);
      return;
    }
    ch.write(data, ch.voidPromise());
  }

  @Override
  public void flush() {
    ch.flush();
  }

  @Override
  public boolean isWritable() {
    return ch.isWritable();
  }

  @Override
  public boolean isOpen() {
    return ch.isOpen();
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
      if (ch.isOpen()) {
        // The empty write completes only after every earlier write has, so nothing queued is lost.
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      }
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
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (handler == null || reported) {
        ReferenceCountUtil.release(msg);
        return;
      }
      handler.channelRead((ByteBuf) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (handler != null && !reported) {
        handler.channelReadComplete();
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (handler != null && !reported) {
        handler.writabilityChanged(ctx.channel().isWritable());
      }
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
      if (handler != null) {
        reportClosed();
      } else {
        closeFuture.complete(null); // not started: nobody to tell yet; start() will still report once
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
