package io.listenrain.grpc;

import io.grpc.ForwardingChannelBuilder2;
import io.grpc.ManagedChannelBuilder;
import io.grpc.internal.GrpcUtil;
import io.grpc.internal.KeepAliveManager;
import io.grpc.internal.ManagedChannelImplBuilder;
import io.grpc.internal.TransportTracer;
import io.listenrain.channel.ChannelOptions;
import io.listenrain.channel.InProcessAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Builds gRPC channels that run over ListenRain connections: TCP, Unix domain sockets or in-process pipes. Use it
 * where you would use {@code NettyChannelBuilder}; generated stubs do not change.
 *
 * <pre>{@code
 * ManagedChannel ch = ListenRainChannelBuilder.forAddress("localhost", 50051).usePlaintext().build();
 * }</pre>
 *
 * Defaults: 4 MiB max inbound message, 8 KiB max inbound metadata, 1 MiB flow-control windows, 64 KiB frames,
 * keepalive off. There is no TLS: {@link #useTransportSecurity()} throws.
 */
public final class ListenRainChannelBuilder extends ForwardingChannelBuilder2<ListenRainChannelBuilder> {
  /** Keepalive times at least this large turn keepalive off, as in grpc-netty. */
  private static final long AS_LARGE_AS_INFINITE = TimeUnit.DAYS.toNanos(1000L);

  private final ManagedChannelImplBuilder delegate;
  private final TransportConfig config = new TransportConfig();

  private ListenRainChannelBuilder(String target) {
    delegate = new ManagedChannelImplBuilder(target, this::buildTransportFactory,
        () -> GrpcUtil.DEFAULT_PORT_PLAINTEXT);
  }

  private ListenRainChannelBuilder(SocketAddress address, String authority) {
    delegate = new ManagedChannelImplBuilder(address, authority, this::buildTransportFactory, null);
  }

  /** A channel to {@code host:port} over TCP, resolved by the default (DNS) name resolver. */
  public static ListenRainChannelBuilder forAddress(String host, int port) {
    return forTarget(GrpcUtil.authorityFromHostAndPort(host, port));
  }

  /**
   * A channel to a gRPC target URI: {@code host:port}, {@code dns:///host:port}, or
   * {@code listenrain://host:port[,host2:port2]} (several addresses are balanced round-robin).
   */
  public static ListenRainChannelBuilder forTarget(String target) {
    return new ListenRainChannelBuilder(target);
  }

  /**
   * A channel to one address, no name resolution: an {@link InetSocketAddress}, a {@link UnixDomainSocketAddress},
   * an {@link InProcessAddress} or a {@link ListenRainSocketAddress}.
   */
  public static ListenRainChannelBuilder forSocketAddress(SocketAddress address) {
    Objects.requireNonNull(address, "address");
    SocketAddress a = Addresses.unwrap(address);
    String authority;
    if (a instanceof InetSocketAddress) {
      InetSocketAddress i = (InetSocketAddress) a;
      authority = GrpcUtil.authorityFromHostAndPort(i.getHostString(), i.getPort());
    } else if (a instanceof UnixDomainSocketAddress || a instanceof InProcessAddress) {
      authority = "localhost";
    } else {
      throw new IllegalArgumentException("unsupported address type " + a.getClass().getName());
    }
    return new ListenRainChannelBuilder(address, authority);
  }

  /** A channel over the Unix domain socket at {@code path}. */
  public static ListenRainChannelBuilder forUnixSocket(Path path) {
    return forSocketAddress(UnixDomainSocketAddress.of(path));
  }

  /** A channel over an in-process pipe to the server listening under {@code name}. */
  public static ListenRainChannelBuilder forInProcess(String name) {
    return forSocketAddress(new InProcessAddress(name));
  }

  /** Hides {@link ManagedChannelBuilder#forAddress}; use {@link #forAddress(String, int)}. */
  @Override
  protected ManagedChannelBuilder<?> delegate() {
    return delegate;
  }

  /** Accepted for source compatibility with other transports: ListenRain is plaintext. */
  @Override
  public ListenRainChannelBuilder usePlaintext() {
    return this;
  }

  /** Not supported: ListenRain has no TLS. */
  @Override
  public ListenRainChannelBuilder useTransportSecurity() {
    throw new UnsupportedOperationException("ListenRain does not support TLS");
  }

  @Override
  public ListenRainChannelBuilder maxInboundMessageSize(int bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative max inbound message size: " + bytes);
    }
    config.maxInboundMessageSize = bytes;
    return this;
  }

  @Override
  public ListenRainChannelBuilder maxInboundMetadataSize(int bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("max inbound metadata size must be positive: " + bytes);
    }
    config.maxInboundMetadataSize = bytes;
    return this;
  }

  @Override
  public ListenRainChannelBuilder keepAliveTime(long time, TimeUnit unit) {
    if (time <= 0) {
      throw new IllegalArgumentException("keepalive time must be positive: " + time);
    }
    long nanos = KeepAliveManager.clampKeepAliveTimeInNanos(unit.toNanos(time));
    config.keepAliveTimeNanos = nanos >= AS_LARGE_AS_INFINITE ? GrpcUtil.KEEPALIVE_TIME_NANOS_DISABLED : nanos;
    return this;
  }

  @Override
  public ListenRainChannelBuilder keepAliveTimeout(long timeout, TimeUnit unit) {
    if (timeout <= 0) {
      throw new IllegalArgumentException("keepalive timeout must be positive: " + timeout);
    }
    config.keepAliveTimeoutNanos = KeepAliveManager.clampKeepAliveTimeoutInNanos(unit.toNanos(timeout));
    return this;
  }

  @Override
  public ListenRainChannelBuilder keepAliveWithoutCalls(boolean enable) {
    config.keepAliveWithoutCalls = enable;
    return this;
  }

  /** The receive window per stream and per connection, in bytes (default 1 MiB). */
  public ListenRainChannelBuilder flowControlWindow(int bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("flow control window must be positive: " + bytes);
    }
    config.flowControlWindow = bytes;
    return this;
  }

  /** The largest DATA frame this end accepts, 16 KiB to 1 MiB (default 64 KiB). */
  public ListenRainChannelBuilder maxFrameSize(int bytes) {
    config.maxFrameSize = TransportConfig.checkFrameSize(bytes);
    return this;
  }

  /** Socket-level options for the channels this builder dials (connect timeout, watermarks, allocator...). */
  public ListenRainChannelBuilder channelOptions(ChannelOptions options) {
    config.channelOptions = Objects.requireNonNull(options, "options");
    return this;
  }

  /** The live configuration, for tests that need values the public knobs clamp (such as sub-second keepalive). */
  TransportConfig config() {
    return config;
  }

  ManagedChannelImplBuilder delegateForInternal() {
    return delegate;
  }

  void setStatsEnabled(boolean enabled) {
    delegate.setStatsEnabled(enabled);
  }

  void setTransportTracerFactory(TransportTracer.Factory factory) {
    config.tracerFactory = factory;
  }

  private ListenRainTransportFactory buildTransportFactory() {
    return new ListenRainTransportFactory(config.copy());
  }
}
