package io.listenrain.grpc;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.ForwardingChannelBuilder2;
import io.grpc.ManagedChannelBuilder;
import io.grpc.internal.GrpcUtil;
import io.grpc.internal.KeepAliveManager;
import io.grpc.internal.ManagedChannelImplBuilder;
import io.grpc.internal.TransportTracer;
import io.listenrain.channel.ChannelGenerator;
import io.listenrain.channel.ChannelOptions;
import io.listenrain.channel.ClientTls;
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
 * Defaults: 4 MiB max inbound message, 8 KiB max inbound metadata, 1 MiB flow-control windows, 256 KiB frames,
 * keepalive off, plaintext.
 *
 * <h2>TLS</h2>
 * {@link #useTransportSecurity()} secures TCP and Unix-socket connections with TLS, trusting the JDK's default trust
 * store; {@link #tls(ClientTls)} takes any {@link ClientTls} (own trust, client certificate for mutual TLS, versions,
 * handshake timeout). Either way the server's certificate is checked against the channel's authority: the target's
 * host, or the {@link #overrideAuthority(String) override} ({@code localhost} over a Unix socket unless overridden).
 * A {@code ClientTls} that names its own {@link ClientTls.Builder#authority(String) authority} verifies that name
 * instead. In-process pipes never use TLS and count as private.
 * A handshake that fails, or that outlasts the handshake timeout, fails the connection attempt: calls waiting for it
 * fail with {@code UNAVAILABLE} whose cause says why. Over TLS the transport publishes
 * {@code Grpc.TRANSPORT_ATTR_SSL_SESSION} and security level {@code PRIVACY_AND_INTEGRITY}, so call credentials that
 * require privacy run.
 *
 * <pre>{@code
 * ManagedChannel ch = ListenRainChannelBuilder.forAddress("api.example.com", 443).useTransportSecurity().build();
 * ManagedChannel mtls = ListenRainChannelBuilder.forAddress("10.0.0.7", 8443)
 *     .tls(ClientTls.builder().trustCertificates(ca).clientCertificate(key, chain).authority("api.internal").build())
 *     .build();
 * }</pre>
 */
public final class ListenRainChannelBuilder extends ForwardingChannelBuilder2<ListenRainChannelBuilder> {
  /** Keepalive times at least this large turn keepalive off, as in grpc-netty. */
  private static final long AS_LARGE_AS_INFINITE = TimeUnit.DAYS.toNanos(1000L);

  private final ManagedChannelImplBuilder delegate;
  private final TransportConfig config = new TransportConfig();
  /** The TLS to dial with; {@code null} for plaintext. */
  private ClientSecurity security;
  /** Built from channel credentials: the security is theirs and cannot be changed. */
  private final boolean fromCredentials;

  private ListenRainChannelBuilder(String target) {
    delegate = new ManagedChannelImplBuilder(target, this::buildTransportFactory, this::defaultPort);
    fromCredentials = false;
  }

  private ListenRainChannelBuilder(String target, ChannelCredentials creds, CallCredentials callCreds,
      ClientSecurity security) {
    delegate = new ManagedChannelImplBuilder(target, creds, callCreds, this::buildTransportFactory, this::defaultPort);
    this.security = security;
    fromCredentials = true;
  }

  private ListenRainChannelBuilder(SocketAddress address, String authority) {
    delegate = new ManagedChannelImplBuilder(address, authority, this::buildTransportFactory, null);
    fromCredentials = false;
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
   * A channel to one address, no name resolution: an {@link InetSocketAddress}, a {@link UnixDomainSocketAddress}
   * (or Netty's {@code DomainSocketAddress}), an {@link InProcessAddress} or a {@link ListenRainSocketAddress}.
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

  /**
   * A channel to {@code target} secured as {@code creds} say ({@link ClientSecurity}), with {@code callCreds} (may be
   * null) added to every call. Used by {@link ListenRainChannelProvider}.
   */
  static ListenRainChannelBuilder forTarget(String target, ChannelCredentials creds, CallCredentials callCreds,
      ClientSecurity security) {
    return new ListenRainChannelBuilder(target, creds, callCreds, security);
  }

  /**
   * A channel over the channels {@code generator} produces: gRPC over any byte stream the application can open (a
   * child process's stdio, a serial line, an SSH channel; {@code Channels.fromStreams} adapts a stream pair). The
   * transport calls {@link ChannelGenerator#connect()} for its first connection and again for each reconnect, so a
   * generator that can open a stream again gives the channel grpc's reconnects. Authority {@code localhost}; no
   * name resolution. The generator stays the caller's: close it after the channel has terminated.
   */
  public static ListenRainChannelBuilder forChannelGenerator(ChannelGenerator generator) {
    return new ListenRainChannelBuilder(ChannelSourceAddress.of(generator), "localhost");
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

  /** No TLS (the default). */
  @Override
  public ListenRainChannelBuilder usePlaintext() {
    checkSecurityChangeable();
    security = null;
    return this;
  }

  /**
   * TLS trusting the JDK's default trust store, verifying that the server's certificate names the channel's
   * authority (the target's host or the {@link #overrideAuthority(String) override}); no client certificate.
   */
  @Override
  public ListenRainChannelBuilder useTransportSecurity() {
    checkSecurityChangeable();
    security = ClientSecurity.jdkDefaults();
    return this;
  }

  /**
   * TLS as {@code tls} says; unless it names its own authority, the server must be the channel's authority (see the
   * class comment).
   */
  public ListenRainChannelBuilder tls(ClientTls tls) {
    checkSecurityChangeable();
    security = ClientSecurity.fixed(tls);
    return this;
  }

  private void checkSecurityChangeable() {
    if (fromCredentials) {
      throw new IllegalStateException("the channel credentials decide the security of this channel");
    }
  }

  private int defaultPort() {
    return security != null ? GrpcUtil.DEFAULT_PORT_SSL : GrpcUtil.DEFAULT_PORT_PLAINTEXT;
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

  /**
   * Records ListenRain's own transport metrics (connections, streams, GOAWAYs) into {@code metrics} (default: none).
   * Needs {@code io.opentelemetry:opentelemetry-api} on the class path; per-call metrics come from grpc-java's
   * {@code grpc-opentelemetry}, configured on this builder as on any other.
   */
  public ListenRainChannelBuilder transportMetrics(ListenRainMetrics metrics) {
    config.metrics = Objects.requireNonNull(metrics, "metrics").sink;
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

  /**
   * The send budget of each connection, in bytes (default 32 MiB): while the request DATA that calls have handed to a
   * connection and that is not yet written to its socket reaches this many bytes, calls newly started on that
   * connection are not ready ({@code ClientCall.isReady()} is false and {@code onReady} waits); they become ready in
   * the order they started once the queued bytes fall below half of it. Nothing is held back: headers and messages
   * are sent as soon as the application writes them, so calls that write without waiting for {@code onReady} behave
   * as without a budget. Applications that wait for {@code onReady} before each message (streaming observers, or a
   * {@code ClientCall} that sends after {@code onReady}) thus keep about this many serialized bytes per connection,
   * however many calls they start: a thousand 4 MiB requests no longer need 4 GiB of buffers.
   *
   * <p>A unary call's request HEADERS are sent together with its message, as grpc-netty does; a unary
   * {@code ClientCall} that waits for {@code onReady} before {@code sendMessage} must therefore be started with a
   * {@code CLIENT_STREAMING} descriptor for the same method (the wire is the same). {@link Long#MAX_VALUE} turns the
   * budget off: every call is ready as soon as it is started.
   */
  public ListenRainChannelBuilder maxQueuedSendBytesPerConnection(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("send budget must be positive: " + bytes);
    }
    config.maxQueuedSendBytes = bytes;
    return this;
  }

  /**
   * Whether a call that names another authority than its channel's ({@code CallOptions.withAuthority}) must be
   * covered by the server's TLS certificate (default: on). When on, such a call fails with UNAVAILABLE, the
   * certificate error as its cause, before anything is sent; a connection without TLS checks nothing. Off sends it
   * anyway and logs a warning once per authority and connection, which is what grpc-netty 1.76 does unless
   * {@code GRPC_ENABLE_PER_RPC_AUTHORITY_CHECK} is set. A call's authority equal to the channel's is never checked
   * again: the handshake verified it.
   */
  public ListenRainChannelBuilder perRpcAuthorityCheck(boolean enabled) {
    config.perRpcAuthorityCheck = enabled;
    return this;
  }

  /** The largest DATA frame this end accepts, 16 KiB to 1 MiB (default 256 KiB). */
  public ListenRainChannelBuilder maxFrameSize(int bytes) {
    config.maxFrameSize = TransportConfig.checkFrameSize(bytes);
    return this;
  }

  /**
   * Socket-level options for the channels this builder dials (connect timeout, watermarks, allocator...). TLS set on
   * this builder ({@link #tls(ClientTls)}, {@link #useTransportSecurity()}) replaces a
   * {@link ChannelOptions#withClientTls client TLS} in them.
   */
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
    return new ListenRainTransportFactory(config.copy(), security);
  }
}
