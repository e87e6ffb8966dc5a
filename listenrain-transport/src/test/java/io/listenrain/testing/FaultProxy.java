package io.listenrain.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-JVM TCP proxy on loopback that sits between a client and a server and injects faults, each toggled at
 * runtime from any thread: latency, a bandwidth cap, blackholing (stop forwarding, keep both sockets open, no FIN),
 * resets (close with SO_LINGER 0, so the peers see RST), half-close, byte corruption at a stream offset, and 1-byte
 * write splits.
 *
 * <p>Each accepted client connection gets its own upstream connection to the target; the pair is a {@link Link}.
 * Faults apply per direction ({@link Direction#TO_SERVER}, {@link Direction#TO_CLIENT}) and to every link, current
 * and future. Bytes keep their order in each direction whatever the latency and bandwidth settings (a write is never
 * scheduled before the one ahead of it). The proxy reads without back-pressure: it is a test tool for small volumes.
 *
 * <p>{@link #close()} closes the listener and every link (with FIN) and stops the proxy's event loop; it is idempotent.
 * Buffers the proxy drops (blackhole, closed links) are released.
 */
public final class FaultProxy implements AutoCloseable {

  /** The direction bytes travel. */
  public enum Direction { TO_SERVER, TO_CLIENT }

  private final EventLoopGroup group = new NioEventLoopGroup(1);
  private final Channel listener;
  private volatile InetSocketAddress target;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final List<Long> acceptTimesNanos = new CopyOnWriteArrayList<>();
  private final AtomicLong accepted = new AtomicLong();

  private volatile long latencyNanos;
  private volatile long bytesPerSecond; // 0: unlimited
  private volatile boolean blackhole;
  private volatile boolean splitWrites;
  private volatile boolean refuseUpstream;
  private final Corruption[] corruptions = new Corruption[2];

  private record Corruption(long offset, int xorMask) {}

  private FaultProxy(InetSocketAddress target) throws InterruptedException {
    this.target = target;
    this.listener = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.AUTO_READ, false)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            accepted.incrementAndGet();
            acceptTimesNanos.add(System.nanoTime());
            new Link(ch);
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  /** Starts a proxy on an ephemeral loopback port that forwards to {@code target}. */
  public static FaultProxy start(InetSocketAddress target) throws InterruptedException {
    return new FaultProxy(target);
  }

  /** Where clients connect. */
  public InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  /** Changes where new links connect; existing links keep their upstream. */
  public FaultProxy target(InetSocketAddress newTarget) {
    this.target = newTarget;
    return this;
  }

  /** Delays every chunk by {@code latency} (zero turns it off). */
  public FaultProxy latency(Duration latency) {
    this.latencyNanos = latency.toNanos();
    return this;
  }

  /** Caps each direction of each link at {@code bytesPerSecond} (0 turns it off). */
  public FaultProxy bandwidth(long bytesPerSecond) {
    this.bytesPerSecond = bytesPerSecond;
    return this;
  }

  /** While on, bytes are read and dropped in both directions; sockets stay open and no FIN is sent. */
  public FaultProxy blackhole(boolean on) {
    this.blackhole = on;
    return this;
  }

  /** While on, every byte is written and flushed on its own. */
  public FaultProxy splitWrites(boolean on) {
    this.splitWrites = on;
    return this;
  }

  /**
   * While on, new client connections are accepted and then reset at once instead of being connected upstream (a
   * server that is down behind a load balancer). Applies to connections the proxy's event loop has not yet taken
   * over, which can include one whose {@code connect} already returned in the client.
   */
  public FaultProxy refuseUpstream(boolean on) {
    this.refuseUpstream = on;
    return this;
  }

  /**
   * XORs the byte at stream offset {@code offset} (counted from the first byte of each link in that direction) with
   * {@code xorMask}, once per link. Applies to links whose stream has not yet passed the offset.
   */
  public FaultProxy corrupt(Direction direction, long offset, int xorMask) {
    corruptions[direction.ordinal()] = new Corruption(offset, xorMask);
    return this;
  }

  /** Stops corrupting in {@code direction}. */
  public FaultProxy clearCorruption(Direction direction) {
    corruptions[direction.ordinal()] = null;
    return this;
  }

  /** Resets every open link on both sides (SO_LINGER 0 close: RST, not FIN). New connections are still accepted. */
  public void resetAll() {
    for (Link l : links) {
      l.reset();
    }
  }

  /** Half-closes every open link in {@code direction}: the receiving side reads EOF, the other way stays open. */
  public void halfClose(Direction direction) {
    for (Link l : links) {
      l.halfClose(direction);
    }
  }

  /** Links (client connections) currently open. */
  public int openLinks() {
    return links.size();
  }

  /** Client connections accepted so far. */
  public long acceptedCount() {
    return accepted.get();
  }

  /** {@link System#nanoTime()} of every accepted client connection, in order. */
  public List<Long> acceptTimesNanos() {
    return List.copyOf(acceptTimesNanos);
  }

  @Override
  public void close() {
    listener.close().awaitUninterruptibly();
    for (Link l : links) {
      l.closeBoth();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  /** One client connection and its upstream connection. All state is confined to the proxy's single event loop. */
  private final class Link {
    private final Channel client;
    private Channel server;
    private final long[] offsets = new long[2];
    private final long[] nextFreeNanos = new long[2];
    private boolean closed;

    Link(Channel client) {
      this.client = client;
      links.add(this);
      client.closeFuture().addListener(f -> closeBoth());
      if (refuseUpstream) {
        client.eventLoop().execute(() -> resetChannel(client));
        return;
      }
      ChannelFuture connect = new Bootstrap()
          .group(client.eventLoop())
          .channel(NioSocketChannel.class)
          .option(ChannelOption.AUTO_READ, false)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new Relay(Direction.TO_CLIENT))
          .connect(target);
      server = connect.channel();
      server.closeFuture().addListener(f -> closeBoth());
      connect.addListener((ChannelFutureListener) f -> {
        if (!f.isSuccess()) {
          resetChannel(client);
          return;
        }
        client.pipeline().addLast(new Relay(Direction.TO_SERVER));
        client.config().setAutoRead(true);
        server.config().setAutoRead(true);
      });
    }

    private Channel destination(Direction d) {
      return d == Direction.TO_SERVER ? server : client;
    }

    void forward(Direction d, ByteBuf data) {
      int i = d.ordinal();
      long start = offsets[i];
      offsets[i] += data.readableBytes();
      if (closed || blackhole) {
        data.release();
        return;
      }
      Corruption c = corruptions[i];
      if (c != null && c.offset() >= start && c.offset() < offsets[i]) {
        int at = data.readerIndex() + (int) (c.offset() - start);
        data.setByte(at, data.getByte(at) ^ c.xorMask());
      }
      long now = System.nanoTime();
      long due = now + latencyNanos;
      long rate = bytesPerSecond;
      if (rate > 0) {
        long sendTime = TimeUnit.SECONDS.toNanos(data.readableBytes()) / rate;
        long begin = Math.max(now, nextFreeNanos[i]);
        nextFreeNanos[i] = begin + sendTime;
        due = Math.max(due, begin + sendTime);
      }
      due = Math.max(due, nextFreeNanos[i]); // never overtake the write ahead
      nextFreeNanos[i] = due;
      long delay = due - now;
      if (delay <= 0) {
        write(d, data);
      } else {
        client.eventLoop().schedule(() -> write(d, data), delay, TimeUnit.NANOSECONDS);
      }
    }

    private void write(Direction d, ByteBuf data) {
      Channel to = destination(d);
      if (closed || to == null || !to.isActive()) {
        data.release();
        return;
      }
      if (splitWrites && data.readableBytes() > 1) {
        try {
          while (data.isReadable()) {
            to.writeAndFlush(data.readRetainedSlice(1));
          }
        } finally {
          data.release();
        }
      } else {
        to.writeAndFlush(data);
      }
    }

    void reset() {
      client.eventLoop().execute(() -> {
        resetChannel(client);
        if (server != null) {
          resetChannel(server);
        }
      });
    }

    void halfClose(Direction d) {
      client.eventLoop().execute(() -> {
        Channel to = destination(d);
        if (to instanceof SocketChannel) {
          ((SocketChannel) to).shutdownOutput();
        }
      });
    }

    void closeBoth() {
      if (!client.eventLoop().inEventLoop()) {
        client.eventLoop().execute(this::closeBoth);
        return;
      }
      closed = true;
      links.remove(this);
      client.close();
      if (server != null) {
        server.close();
      }
    }

    private void resetChannel(Channel ch) {
      if (ch.isOpen()) {
        ch.config().setOption(ChannelOption.SO_LINGER, 0);
        ch.close();
      }
    }

    /** Reads one side and forwards to the other. */
    private final class Relay extends ChannelInboundHandlerAdapter {
      private final Direction direction;

      Relay(Direction direction) {
        this.direction = direction;
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf) {
          forward(direction, (ByteBuf) msg);
        } else {
          ReferenceCountUtil.release(msg);
        }
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset from one peer: the close listener closes the other side
      }
    }
  }
}
