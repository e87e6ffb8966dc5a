package io.listenrain.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * Builds channels on Netty's transport. The address type picks the channel kind:
 * {@link InetSocketAddress} for TCP, {@link UnixDomainSocketAddress} for a Unix domain socket (native epoll where
 * available, else the JDK's own domain-socket channel: every JDK 17 on Linux, macOS and Windows), and
 * {@link InProcessAddress} for an in-process pipe. {@link #fromStreams} adapts any stream pair; {@link #fifo} opens a
 * pair of named pipes shared with another process.
 */
public final class Channels {
  private Channels() {}

  /**
   * Whether Netty's native epoll transport is available. Nothing requires it: without it TCP and Unix sockets run on
   * the JDK's NIO channels.
   */
  public static boolean nativeTransportAvailable() {
    return EventLoops.nativeAvailable();
  }

  /** Whether channels of this address type can be built here. */
  public static boolean supports(SocketAddress address) {
    return address instanceof InetSocketAddress || address instanceof InProcessAddress
        || address instanceof UnixDomainSocketAddress;
  }

  /**
   * Adapts a pair of blocking streams (a FIFO pair, a serial line, a child process's stdio, a socket's streams) into a
   * channel of kind {@code "stream"}, with default options. See {@link #fromStreams(InputStream, OutputStream,
   * ChannelOptions)}.
   */
  public static Channel fromStreams(InputStream in, OutputStream out) {
    return fromStreams(in, out, ChannelOptions.defaults());
  }

  /**
   * Adapts a pair of blocking streams into a channel of kind {@code "stream"}. The channel owns both streams: it closes
   * them when it closes. Reads start at {@link Channel#start}; a reader thread and a writer thread serve the channel
   * until it closes, then exit. The end of {@code in} is an orderly close; an {@link java.io.IOException} on either
   * stream closes the channel with that cause. {@code options} supplies the allocator and the watermarks (the
   * socket settings do not apply).
   */
  public static Channel fromStreams(InputStream in, OutputStream out, ChannelOptions options) {
    return new StreamChannel(in, out, EventLoops.streams().next(), options);
  }

  /** Opens a FIFO pair with default options; see {@link #fifo(Path, Path, ChannelOptions)}. */
  public static CompletableFuture<Channel> fifo(Path readPath, Path writePath) {
    return fifo(readPath, writePath, ChannelOptions.defaults());
  }

  /**
   * A channel of kind {@code "fifo"} over a pair of named pipes: this side reads {@code readPath} and writes
   * {@code writePath}; the peer process opens the same two paths swapped. Both FIFOs must exist (see
   * {@link #createFifo}); whoever sets up the pair creates them and removes them afterwards.
   *
   * <p>A FIFO pair is one connection between two processes: there is no listener and no accept. The future completes
   * once the peer has opened both paths too (each side opens its two ends at once, so the two sides may start in any
   * order), or fails with a {@link ConnectException} if that has not happened within
   * {@link ChannelOptions#connectTimeout()} (default 10 s).
   * It fails at once with {@link java.nio.file.NoSuchFileException} for a missing path and {@link NotAFifoException}
   * for a path that is not a FIFO.
   *
   * <p>Ends: closing the channel closes both ends, so the peer reads end of stream (an orderly close, cause
   * {@code null}) and its next write fails with "Broken pipe". The kernel tells the peer nothing more: a peer process
   * that dies, even by {@code kill -9}, looks the same as one that closed, and the channel closes at once with a
   * {@code null} cause, or with the write's {@link IOException} if it was writing. Bytes still in the pipe when the
   * writer closed are delivered first. The channel runs on the stream adapter ({@link #fromStreams}): one reader and
   * one writer thread, {@code options} supplying the allocator and the watermarks.
   */
  public static CompletableFuture<Channel> fifo(Path readPath, Path writePath, ChannelOptions options) {
    return FifoRendezvous.open(readPath, writePath, options);
  }

  /**
   * A {@link ChannelGenerator} for a client transport over a FIFO pair: every {@code connect()} is a
   * {@link #fifo(Path, Path, ChannelOptions)} rendezvous on the same two paths. A peer that is gone makes it fail, after
   * the connect timeout, with a retryable {@link ConnectException}; a missing path or one that is not a FIFO with a
   * non-retryable one.
   */
  public static ChannelGenerator fifoGenerator(Path readPath, Path writePath, ChannelOptions options) {
    return new FifoGenerator(readPath, writePath, options);
  }

  /**
   * Creates a FIFO at {@code path}, readable and writable by its owner only (mode 0600), by running the
   * {@code mkfifo} command: the JDK has no call for it. Fails if the path exists.
   *
   * @throws IOException if {@code mkfifo} is missing or fails (its message is included)
   */
  public static void createFifo(Path path) throws IOException {
    FifoRendezvous.create(path);
  }

  /** Binds {@code address} with default options; see {@link #listen(SocketAddress, ChannelOptions, ChannelAcceptor.AcceptListener)}. */
  public static ChannelAcceptor listen(SocketAddress address, ChannelAcceptor.AcceptListener listener)
      throws IOException {
    return listen(address, ChannelOptions.defaults(), listener);
  }

  /**
   * Binds {@code address} and accepts channels until the acceptor is closed. Returns once bound.
   *
   * <p>With {@link ChannelOptions#withServerTls server TLS} (TCP and Unix sockets), {@code listener} gets a channel only
   * after its TLS handshake succeeded; a connection whose handshake fails or times out is closed without the listener
   * hearing of it. Both run on the channel's I/O thread.
   *
   * @throws IOException if the address cannot be bound (for instance, it is in use)
   */
  public static ChannelAcceptor listen(SocketAddress address, ChannelOptions options,
      ChannelAcceptor.AcceptListener listener) throws IOException {
    Kind kind = Kind.of(address, options);
    ServerTls tls = kind.secure ? options.serverTls().orElse(null) : null;
    ServerBootstrap b = new ServerBootstrap()
        .group(kind.group)
        .channel(kind.serverType)
        .childOption(ChannelOption.AUTO_READ, false)
        .childOption(ChannelOption.ALLOCATOR, options.allocator())
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
            new WriteBufferWaterMark(options.lowWatermark(), options.highWatermark()))
        .childHandler(new ChannelInitializer<io.netty.channel.Channel>() {
          @Override
          protected void initChannel(io.netty.channel.Channel ch) {
            if (kind.tcp) {
              ch.config().setOption(ChannelOption.TCP_NODELAY, options.tcpNoDelay());
            }
            if (tls == null) {
              listener.accepted(new NettyChannel(ch, kind.name));
              return;
            }
            SslHandler ssl = TlsHandlers.server(tls, ch.alloc());
            ch.pipeline().addLast(TlsHandlers.NAME, ssl);
            NettyChannel channel = new NettyChannel(ch, kind.name);
            ssl.handshakeFuture().addListener(h -> {
              if (h.isSuccess()) {
                try {
                  listener.accepted(channel);
                } catch (RuntimeException | Error e) {
                  channel.abort(e); // as a plaintext accept that throws: nobody owns the channel
                  throw e;
                }
              } else {
                ch.close(); // the handler has sent its alert; the listener never sees this connection
              }
            });
            ch.read(); // reads are off until start, but the handshake needs the client's hello
          }
        });
    if (kind.tcp) {
      b.option(ChannelOption.SO_REUSEADDR, true);
    }
    Path socketFile = null;
    if (address instanceof UnixDomainSocketAddress) {
      socketFile = ((UnixDomainSocketAddress) address).getPath();
      UnixSocketFiles.removeStale((UnixDomainSocketAddress) address);
    }
    ChannelFuture bound = b.bind(kind.nettyAddress).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      Throwable cause = bound.cause();
      if (cause instanceof IOException) {
        throw (IOException) cause;
      }
      BindException e = new BindException("cannot bind " + address + ": " + cause.getMessage());
      e.initCause(cause);
      throw e;
    }
    return new NettyAcceptor(bound.channel(), address, socketFile);
  }

  /** Dials {@code address} once with default options. */
  public static CompletableFuture<Channel> dial(SocketAddress address) {
    return dial(address, ChannelOptions.defaults());
  }

  /**
   * Dials {@code address} once. The future fails with a {@link ConnectException} that says whether a retry may help;
   * {@link ChannelGenerator}s add retries, backoff and failover on top.
   *
   * <p>With {@link ChannelOptions#withClientTls client TLS} (TCP and Unix sockets), the future completes only after
   * the TLS handshake succeeded, and fails with a {@link TlsHandshakeException} if it did not, or did not within the
   * handshake timeout; see {@link ClientTls} for what is verified.
   */
  public static CompletableFuture<Channel> dial(SocketAddress address, ChannelOptions options) {
    CompletableFuture<Channel> result = new CompletableFuture<>();
    Kind kind;
    try {
      kind = Kind.of(address, options);
    } catch (IOException e) {
      result.completeExceptionally(new ConnectException(e.getMessage(), e, false));
      return result;
    }
    ClientTls tls = kind.secure ? options.clientTls().orElse(null) : null;
    HttpConnectProxy proxy = kind.tcp ? options.httpConnectProxy().orElse(null) : null;
    NettyChannel[] holder = new NettyChannel[1];
    SslHandler[] ssl = new SslHandler[1];
    HttpProxyHandler[] tunnel = new HttpProxyHandler[1];
    Bootstrap b = new Bootstrap()
        .group(kind.group)
        .channel(kind.clientType)
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.ALLOCATOR, options.allocator())
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
            new WriteBufferWaterMark(options.lowWatermark(), options.highWatermark()))
        .handler(new ChannelInitializer<io.netty.channel.Channel>() {
          @Override
          protected void initChannel(io.netty.channel.Channel ch) throws IOException {
            if (proxy != null) {
              tunnel[0] = proxyHandler(proxy, options);
              ch.pipeline().addFirst(PROXY_HANDLER, tunnel[0]); // next to the socket: TLS runs inside the tunnel
            }
            if (tls != null) {
              ssl[0] = TlsHandlers.client(tls, ch.alloc(), address);
              ch.pipeline().addLast(TlsHandlers.NAME, ssl[0]);
            }
            holder[0] = new NettyChannel(ch, kind.name);
          }
        });
    if (kind.tcp) {
      b.option(ChannelOption.TCP_NODELAY, options.tcpNoDelay())
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
              options.connectTimeout().toMillis()));
    }
    if (proxy != null) {
      b.resolver(NoopAddressResolverGroup.INSTANCE); // the proxy resolves the target's name, not this process
    }
    if (tls != null) {
      try {
        TlsHandlers.checkApplicable(tls, address); // fail fast, before connecting
      } catch (IOException e) {
        result.completeExceptionally(new ConnectException(e.getMessage(), e, false));
        return result;
      }
    }
    ChannelFuture connect;
    try {
      connect = b.connect(kind.nettyAddress);
    } catch (RuntimeException e) {
      result.completeExceptionally(new ConnectException("cannot dial " + address + ": " + e, e, false));
      return result;
    }
    connect.addListener(f -> {
      if (f.isSuccess() && tunnel[0] != null) {
        tunnel[0].connectFuture().addListener(t -> {
          if (!t.isSuccess()) {
            holder[0].abort(t.cause());
            result.completeExceptionally(new ConnectException("cannot tunnel to " + address + " through "
                + proxy + ": " + t.cause().getMessage(), t.cause(), true));
          }
        });
      }
      if (f.isSuccess() && ssl[0] != null) {
        ssl[0].handshakeFuture().addListener(h -> {
          if (h.isSuccess()) {
            handOut(result, holder[0]);
          } else {
            holder[0].close(); // graceful: the alert, if any, goes out first
            result.completeExceptionally(TlsHandlers.handshakeFailed(address, h.cause()));
          }
        });
      } else if (f.isSuccess() && tunnel[0] != null) {
        tunnel[0].connectFuture().addListener(t -> {
          if (t.isSuccess()) {
            handOut(result, holder[0]);
          }
        });
      } else if (f.isSuccess()) {
        handOut(result, holder[0]);
      } else {
        Throwable cause = f.cause();
        result.completeExceptionally(new ConnectException("cannot connect to " + address + ": " + cause, cause,
            isRetryable(cause)));
      }
    });
    return result;
  }

  private static final String PROXY_HANDLER = "listenrain-http-connect-proxy";

  private static HttpProxyHandler proxyHandler(HttpConnectProxy proxy, ChannelOptions options) {
    HttpProxyHandler h = proxy.username() == null
        ? new HttpProxyHandler(proxy.address())
        : new HttpProxyHandler(proxy.address(), proxy.username(), proxy.password());
    h.setConnectTimeoutMillis(options.connectTimeout().toMillis()); // for the proxy's answer, after the TCP connect
    return h;
  }

  private static void handOut(CompletableFuture<Channel> result, NettyChannel channel) {
    if (!result.complete(channel)) {
      channel.abort(new ChannelClosedException("dial cancelled")); // nobody will ever own it
    }
  }

  /** Refusals, resets, time-outs and other I/O errors are worth retrying; bad or unresolvable addresses are not. */
  static boolean isRetryable(Throwable cause) {
    if (cause instanceof UnresolvedAddressException || cause instanceof UnknownHostException
        || cause instanceof IllegalArgumentException || cause instanceof UnsupportedOperationException) {
      return false;
    }
    return cause instanceof IOException || cause instanceof io.netty.channel.ConnectTimeoutException;
  }

  /** How one address type maps onto Netty. */
  private static final class Kind {
    final String name;
    final boolean tcp;
    /** Whether TLS options apply: sockets, not in-process pipes. */
    final boolean secure;
    final EventLoopGroup group;
    final Class<? extends io.netty.channel.Channel> clientType;
    final Class<? extends ServerChannel> serverType;
    final SocketAddress nettyAddress;

    private Kind(String name, boolean tcp, EventLoopGroup group, Class<? extends io.netty.channel.Channel> clientType,
        Class<? extends ServerChannel> serverType, SocketAddress nettyAddress) {
      this.name = name;
      this.tcp = tcp;
      this.secure = !(nettyAddress instanceof LocalAddress);
      this.group = group;
      this.clientType = clientType;
      this.serverType = serverType;
      this.nettyAddress = nettyAddress;
    }

    static Kind of(SocketAddress address, ChannelOptions options) throws IOException {
      if (address instanceof InetSocketAddress) {
        boolean nat = options.preferNative();
        return new Kind("tcp", true, EventLoops.sockets(nat), EventLoops.tcpChannelType(nat),
            EventLoops.tcpServerChannelType(nat), address);
      }
      if (address instanceof UnixDomainSocketAddress) {
        // Native epoll where it is available and wanted; elsewhere (macOS, Windows, noNative) the JDK's own
        // domain-socket channel, which takes the JDK's address type as it is.
        boolean nat = EventLoops.unixNative(options.preferNative());
        SocketAddress nettyAddress = nat
            ? new DomainSocketAddress(((UnixDomainSocketAddress) address).getPath().toString()) : address;
        return new Kind("unix", false, EventLoops.sockets(nat), EventLoops.unixChannelType(nat),
            EventLoops.unixServerChannelType(nat), nettyAddress);
      }
      if (address instanceof InProcessAddress) {
        return new Kind("pipe", false, EventLoops.pipes(), EventLoops.pipeChannelType(),
            EventLoops.pipeServerChannelType(), new LocalAddress(((InProcessAddress) address).name()));
      }
      throw new IOException("unsupported address type " + (address == null ? null : address.getClass().getName()));
    }
  }
}
