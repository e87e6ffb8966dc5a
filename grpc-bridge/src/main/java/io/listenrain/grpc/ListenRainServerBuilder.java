package io.listenrain.grpc;

import io.grpc.ForwardingServerBuilder;
import io.grpc.ServerBuilder;
import io.grpc.ServerStreamTracer;
import io.grpc.internal.GrpcUtil;
import io.grpc.internal.InternalServer;
import io.grpc.internal.KeepAliveManager;
import io.grpc.internal.ServerImplBuilder;
import io.listenrain.channel.ChannelOptions;
import io.listenrain.channel.InProcessAddress;
import io.listenrain.channel.ServerTls;
import io.listenrain.sharing.ServerProtocol;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Builds gRPC servers that accept ListenRain connections on a TCP port, a Unix domain socket or an in-process pipe
 * name. Use it where you would use {@code NettyServerBuilder}; services do not change.
 *
 * <p>Defaults: 4 MiB max inbound message, 8 KiB max inbound metadata, 1 MiB flow-control windows, 256 KiB frames, no
 * limit on concurrent calls, keepalive pings after 2 h idle, client pings allowed every 5 min, no idle or age limit,
 * plaintext.
 *
 * <h2>TLS</h2>
 * {@link #useTransportSecurity(File, File)} (PEM files) or {@link #tls(ServerTls)} (mutual TLS, trust, versions,
 * handshake timeout) secure TCP and Unix-socket connections; in-process pipes stay as they are. A connection is
 * served only after its handshake succeeds; one that fails or stalls past the handshake timeout is closed without
 * reaching gRPC. Calls see {@code Grpc.TRANSPORT_ATTR_SSL_SESSION} (the client's certificate under mutual TLS) and
 * security level {@code PRIVACY_AND_INTEGRITY} in {@code ServerCall.getAttributes()}.
 */
public final class ListenRainServerBuilder extends ForwardingServerBuilder<ListenRainServerBuilder> {
  private static final long AS_LARGE_AS_INFINITE = TimeUnit.DAYS.toNanos(1000L);
  private static final long MIN_MAX_CONNECTION_IDLE_NANOS = TimeUnit.SECONDS.toNanos(1L);
  private static final long MIN_MAX_CONNECTION_AGE_NANOS = TimeUnit.SECONDS.toNanos(1L);

  private final ServerImplBuilder delegate;
  private final SocketAddress address;
  private final List<SocketAddress> extraAddresses = new ArrayList<>();
  private final TransportConfig config = new TransportConfig();
  private final List<ServerProtocol> nativeProtocols = new ArrayList<>();
  /** {@code null} for plaintext. */
  private ServerTls tls;

  private ListenRainServerBuilder(SocketAddress address) {
    this.address = Objects.requireNonNull(address, "address");
    this.delegate = new ServerImplBuilder(this::buildTransportServer);
    delegate.intercept(OutOfMemoryPolicy.interceptor(e -> config.onOutOfMemory.accept(e)));
  }

  /** A server on TCP {@code port} on all interfaces; 0 picks a free port. */
  public static ListenRainServerBuilder forPort(int port) {
    return new ListenRainServerBuilder(new InetSocketAddress(port));
  }

  /** A server on an {@link InetSocketAddress}, {@link UnixDomainSocketAddress} or {@link InProcessAddress}. */
  public static ListenRainServerBuilder forAddress(SocketAddress address) {
    return new ListenRainServerBuilder(Addresses.unwrap(address));
  }

  /**
   * A server on channels the application hands over through {@code channels} (see {@link ServedChannels}): gRPC over
   * any byte stream that is already connected. Start the server, then {@link ServedChannels#serve} each channel.
   */
  public static ListenRainServerBuilder forChannels(ServedChannels channels) {
    return new ListenRainServerBuilder(ChannelSourceAddress.of(channels));
  }

  /** A server on the Unix domain socket at {@code path} (a stale socket file is replaced). */
  public static ListenRainServerBuilder forUnixSocket(Path path) {
    return new ListenRainServerBuilder(UnixDomainSocketAddress.of(path));
  }

  /** A server reachable through in-process pipes under {@code name}. */
  public static ListenRainServerBuilder forInProcess(String name) {
    return new ListenRainServerBuilder(new InProcessAddress(name));
  }

  @Override
  protected ServerBuilder<?> delegate() {
    return delegate;
  }

  /**
   * TLS with this PEM certificate chain (leaf first) and unencrypted PKCS#8 PEM private key; clients are not asked
   * for certificates.
   *
   * @throws IllegalArgumentException if the files cannot be read or used
   */
  @Override
  public ListenRainServerBuilder useTransportSecurity(File certChain, File privateKey) {
    try (InputStream chain = Files.newInputStream(certChain.toPath());
        InputStream key = Files.newInputStream(privateKey.toPath())) {
      return useTransportSecurity(chain, key);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the TLS files: " + e.getMessage(), e);
    }
  }

  /**
   * TLS with this PEM certificate chain (leaf first) and unencrypted PKCS#8 PEM private key, read now; the streams
   * are not closed. Clients are not asked for certificates.
   *
   * @throws IllegalArgumentException if the streams cannot be read or used
   */
  @Override
  public ListenRainServerBuilder useTransportSecurity(InputStream certChain, InputStream privateKey) {
    List<X509Certificate> chain = TlsMaterial.certificates(certChain);
    PrivateKey key;
    try {
      key = TlsMaterial.privateKey(privateKey);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the private key", e);
    }
    return tls(ServerTls.builder(key, chain.toArray(new X509Certificate[0])).build());
  }

  /** TLS exactly as {@code tls} says; {@code null} goes back to plaintext. */
  public ListenRainServerBuilder tls(ServerTls tls) {
    this.tls = tls;
    return this;
  }

  @Override
  public ListenRainServerBuilder maxInboundMessageSize(int bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative max inbound message size: " + bytes);
    }
    config.maxInboundMessageSize = bytes;
    return this;
  }

  @Override
  public ListenRainServerBuilder maxInboundMetadataSize(int bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("max inbound metadata size must be positive: " + bytes);
    }
    config.maxInboundMetadataSize = bytes;
    return this;
  }

  /** How long a connection may stay without reads before the server pings it (default 2 h). */
  @Override
  public ListenRainServerBuilder keepAliveTime(long time, TimeUnit unit) {
    if (time <= 0) {
      throw new IllegalArgumentException("keepalive time must be positive: " + time);
    }
    long nanos = KeepAliveManager.clampKeepAliveTimeInNanos(unit.toNanos(time));
    config.serverKeepAliveTimeNanos = nanos >= AS_LARGE_AS_INFINITE
        ? GrpcUtil.SERVER_KEEPALIVE_TIME_NANOS_DISABLED : nanos;
    return this;
  }

  @Override
  public ListenRainServerBuilder keepAliveTimeout(long timeout, TimeUnit unit) {
    if (timeout <= 0) {
      throw new IllegalArgumentException("keepalive timeout must be positive: " + timeout);
    }
    config.serverKeepAliveTimeoutNanos = KeepAliveManager.clampKeepAliveTimeoutInNanos(unit.toNanos(timeout));
    return this;
  }

  @Override
  public ListenRainServerBuilder permitKeepAliveTime(long time, TimeUnit unit) {
    if (time < 0) {
      throw new IllegalArgumentException("permit keepalive time must be non-negative: " + time);
    }
    config.permitKeepAliveTimeNanos = unit.toNanos(time);
    return this;
  }

  @Override
  public ListenRainServerBuilder permitKeepAliveWithoutCalls(boolean permit) {
    config.permitKeepAliveWithoutCalls = permit;
    return this;
  }

  @Override
  public ListenRainServerBuilder maxConnectionIdle(long time, TimeUnit unit) {
    if (time <= 0) {
      throw new IllegalArgumentException("max connection idle must be positive: " + time);
    }
    long nanos = unit.toNanos(time);
    config.maxConnectionIdleNanos = nanos >= AS_LARGE_AS_INFINITE ? Long.MAX_VALUE
        : Math.max(nanos, MIN_MAX_CONNECTION_IDLE_NANOS);
    return this;
  }

  @Override
  public ListenRainServerBuilder maxConnectionAge(long time, TimeUnit unit) {
    if (time <= 0) {
      throw new IllegalArgumentException("max connection age must be positive: " + time);
    }
    long nanos = unit.toNanos(time);
    config.maxConnectionAgeNanos = nanos >= AS_LARGE_AS_INFINITE ? Long.MAX_VALUE
        : Math.max(nanos, MIN_MAX_CONNECTION_AGE_NANOS);
    return this;
  }

  @Override
  public ListenRainServerBuilder maxConnectionAgeGrace(long time, TimeUnit unit) {
    if (time < 0) {
      throw new IllegalArgumentException("max connection age grace must be non-negative: " + time);
    }
    long nanos = unit.toNanos(time);
    config.maxConnectionAgeGraceNanos = nanos >= AS_LARGE_AS_INFINITE ? Long.MAX_VALUE : nanos;
    return this;
  }

  /**
   * The most concurrent calls a client may run on one connection (advertised in SETTINGS); a stream beyond it is
   * refused with RST REFUSED_STREAM, which the client retries, and counts against the reset budget. Default 1,000
   * (grpc-netty: no limit): a peer holding idle streams can then pin a few MB per connection, not hundreds, and the
   * ListenRain client queues calls above the limit instead of failing them. {@link Integer#MAX_VALUE}: no limit.
   */
  public ListenRainServerBuilder maxConcurrentCallsPerConnection(int max) {
    if (max <= 0) {
      throw new IllegalArgumentException("max concurrent calls must be positive: " + max);
    }
    config.maxConcurrentStreams = max;
    return this;
  }

  /**
   * Rapid-reset budget (CVE-2023-44487): a connection whose resets exceed {@code maxRstStream} within
   * {@code secondsPerWindow} seconds gets GOAWAY(ENHANCE_YOUR_CALM, "too_many_resets") and is closed; its calls fail
   * UNAVAILABLE. Resets the client sends count, and so do those the server sends because of what the client sent
   * (streams refused over the concurrency limit or for oversized metadata, requests that cannot be deframed:
   * MadeYouReset, CVE-2025-55163). Default 1,000 per 10 s; {@code maxRstStream == 0} turns the budget off. Same
   * signature as grpc-netty's opt-in knob, but on by default here.
   */
  public ListenRainServerBuilder maxRstFramesPerWindow(int maxRstStream, int secondsPerWindow) {
    if (maxRstStream < 0) {
      throw new IllegalArgumentException("maxRstStream must be non-negative: " + maxRstStream);
    }
    if (secondsPerWindow <= 0) {
      throw new IllegalArgumentException("secondsPerWindow must be positive: " + secondsPerWindow);
    }
    config.maxRstPerWindow = maxRstStream;
    config.rstWindowNanos = TimeUnit.SECONDS.toNanos(secondsPerWindow);
    return this;
  }

  /**
   * The most frames that may wait in a connection's outbound queue when the client triggers another automatic
   * reply (PING ACK, SETTINGS ACK, RST): a client that floods such frames and does not read its replies is then
   * dropped (GOAWAY(ENHANCE_YOUR_CALM) if the socket still takes bytes; otherwise closed at once). Default 10,000.
   */
  public ListenRainServerBuilder maxQueuedControlReplies(int max) {
    if (max <= 0) {
      throw new IllegalArgumentException("max queued control replies must be positive: " + max);
    }
    config.maxQueuedReplies = max;
    return this;
  }

  /**
   * Empty DATA frames without END_STREAM a client may send in a row (CVE-2019-9518); the next one closes the
   * connection with GOAWAY(PROTOCOL_ERROR). Default 2, as Netty.
   */
  public ListenRainServerBuilder maxConsecutiveEmptyDataFrames(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("max consecutive empty DATA frames must be non-negative: " + max);
    }
    config.maxConsecutiveEmptyData = max;
    return this;
  }

  /**
   * Burst of DATA fragments under 5 bytes (shorter than a gRPC message prefix) a connection may send; each such
   * fragment spends one credit and every 256 bytes of DATA earn one back, up to this burst. Past it the connection
   * closes with GOAWAY(PROTOCOL_ERROR). Default 1,024. Whole messages are never that small, so only a sender that
   * splits messages into crumbs (to burn the server's CPU and per-fragment memory) reaches it.
   */
  public ListenRainServerBuilder maxTinyDataFrames(int burst) {
    if (burst < 0) {
      throw new IllegalArgumentException("max tiny DATA frames must be non-negative: " + burst);
    }
    config.maxTinyDataFrames = burst;
    return this;
  }

  /**
   * A connection that has sent part of a frame and then no byte for this long is sent away (GOAWAY
   * ENHANCE_YOUR_CALM) and closed: a peer stalling mid-frame would otherwise hold its connection and the buffered
   * bytes forever. Time while the server waits for nothing (no partial frame) does not count; an idle connection is
   * governed by {@link #maxConnectionIdle} and keepalive instead. Default 20 s, as the native server's stall timeout;
   * 0 turns it off.
   */
  public ListenRainServerBuilder stallTimeout(long timeout, TimeUnit unit) {
    if (timeout < 0) {
      throw new IllegalArgumentException("stall timeout must be non-negative: " + timeout);
    }
    config.stallTimeoutNanos = unit.toNanos(timeout);
    return this;
  }

  /**
   * A call without a deadline (no {@code grpc-timeout}) on which no frame went either way for this long is reset
   * (RST CANCEL; the handler sees CANCELLED). Default 0: off, because long-lived streams that stay quiet for hours
   * (watches, subscriptions) are legitimate and grpc-java has no such limit either; the concurrency limit
   * ({@link #maxConcurrentCallsPerConnection}) already bounds what idle streams can hold. Turn it on for services
   * whose calls are never meant to idle; calls with a deadline are ended by it instead.
   */
  public ListenRainServerBuilder streamIdleTimeout(long timeout, TimeUnit unit) {
    if (timeout < 0) {
      throw new IllegalArgumentException("stream idle timeout must be non-negative: " + timeout);
    }
    config.streamIdleTimeoutNanos = unit.toNanos(timeout);
    return this;
  }

  /**
   * A connection must deliver the 8-byte preface and its first SETTINGS frame within this time after it is
   * accepted (after TLS, and also while a port shared with native protocols is still telling them apart), else it is
   * closed without a reply (slowloris). Before that it may make the server buffer at most a 1 KiB first frame.
   * Default 20 s.
   */
  @Override
  public ListenRainServerBuilder handshakeTimeout(long timeout, TimeUnit unit) {
    if (timeout <= 0) {
      throw new IllegalArgumentException("handshake timeout must be positive: " + timeout);
    }
    config.handshakeTimeoutNanos = unit.toNanos(timeout);
    delegate.handshakeTimeout(timeout, unit);
    return this;
  }

  /**
   * The send budget of each connection, in bytes (default 32 MiB): while the response DATA queued on a connection
   * and not yet written reaches this many bytes, the connection's receive credit is held back (until the queue falls
   * below half of it), so the client stops sending new request bytes; responses and stream credit keep flowing. With
   * the client's budget ({@code ListenRainChannelBuilder.maxQueuedSendBytesPerConnection}), calls that wait for
   * {@code onReady} then wait on the client, unserialized, instead of piling up as responses here. A client that
   * stops reading responses on one call can thus stall request bytes of the others on that connection, as a full TCP
   * buffer would. {@link Long#MAX_VALUE} turns it off.
   */
  public ListenRainServerBuilder maxQueuedSendBytesPerConnection(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("send budget must be positive: " + bytes);
    }
    config.maxQueuedSendBytes = bytes;
    return this;
  }

  /**
   * The response budget of each connection, in bytes (default 64 MiB): response DATA the server holds queued behind
   * the client's flow-control windows (written by handlers, not yet sent). While a connection is at its budget (from
   * the moment a write finds the budget queued until the client has read it down to half) new streams on it are
   * refused with RST(REFUSED_STREAM), which clients retry elsewhere; a connection that stays at its budget for the
   * {@linkplain #queuedResponseDeadline deadline} is closed. A response write that finds twice the budget queued
   * fails its call with RESOURCE_EXHAUSTED: whatever the client does, a connection holds at most twice this plus one
   * write (1 MiB), and only until the deadline if the client does not read. The slack is for clients that read
   * (many calls answered at once queue a lot for a moment). A single response message larger than twice the budget
   * needs a larger budget. {@link Long#MAX_VALUE} turns it off.
   */
  public ListenRainServerBuilder maxQueuedResponseBytesPerConnection(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("response budget must be positive: " + bytes);
    }
    config.maxQueuedResponseBytes = bytes;
    return this;
  }

  /**
   * How long a connection may stay at its {@linkplain #maxQueuedResponseBytesPerConnection response budget} before
   * the server gives up on the client (default 30 s): it sends GOAWAY(ENHANCE_YOUR_CALM,
   * "too_many_queued_response_bytes"), fails the connection's calls UNAVAILABLE, releases every queued response and
   * closes the connection, with one log line. A client that reads its responses down to half the budget in time
   * stops the clock.
   */
  public ListenRainServerBuilder queuedResponseDeadline(long time, TimeUnit unit) {
    if (time <= 0) {
      throw new IllegalArgumentException("queued response deadline must be positive: " + time);
    }
    config.queuedResponseDeadlineNanos = unit.toNanos(time);
    return this;
  }

  /**
   * What the server does when one of its threads hits {@link OutOfMemoryError}: a handler (in {@code startCall}, a
   * listener callback, or {@code ServerCall.sendMessage} from any thread) or a connection's I/O thread. By default
   * it fails fast: one line on standard error, then {@code Runtime.halt(3)} (3, as the JVM's
   * {@code -XX:+ExitOnOutOfMemoryError}), so that a supervisor restarts it instead of leaving it half-alive
   * (docs/RELIABILITY.md). {@code action} replaces that; it runs on the thread that caught the error, which then
   * rethrows it. A server that must survive such errors should size its heap and budgets instead.
   */
  public ListenRainServerBuilder onOutOfMemoryError(Consumer<? super OutOfMemoryError> action) {
    config.onOutOfMemory = Objects.requireNonNull(action, "action");
    return this;
  }

  /**
   * Records ListenRain's own transport metrics (connections, streams, GOAWAYs) into {@code metrics} (default: none).
   * Needs {@code io.opentelemetry:opentelemetry-api} on the class path; per-call metrics come from grpc-java's
   * {@code grpc-opentelemetry}, configured on this builder as on any other.
   */
  public ListenRainServerBuilder transportMetrics(ListenRainMetrics metrics) {
    config.metrics = Objects.requireNonNull(metrics, "metrics").sink;
    return this;
  }

  /** The receive window per stream and per connection, in bytes (default 1 MiB). */
  public ListenRainServerBuilder flowControlWindow(int bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("flow control window must be positive: " + bytes);
    }
    config.flowControlWindow = bytes;
    return this;
  }

  /** The largest DATA frame this end accepts, 16 KiB to 1 MiB (default 256 KiB). */
  public ListenRainServerBuilder maxFrameSize(int bytes) {
    config.maxFrameSize = TransportConfig.checkFrameSize(bytes);
    return this;
  }

  /**
   * Socket-level options for accepted channels (watermarks, allocator...). TLS set on this builder
   * ({@link #tls(ServerTls)}, {@code useTransportSecurity}) replaces a {@link ChannelOptions#withServerTls server TLS}
   * in them.
   */
  public ListenRainServerBuilder channelOptions(ChannelOptions options) {
    config.channelOptions = Objects.requireNonNull(options, "options");
    return this;
  }

  /** The live configuration, for tests that need values the public knobs clamp (such as sub-second keepalive). */
  TransportConfig config() {
    return config;
  }

  /**
   * Listens on {@code address} too (TCP, Unix socket or in-process pipe: any mix), serving the same services,
   * interceptors, executor and settings; TLS and native protocols apply to every address. {@code Server.getPort()}
   * is the first TCP address's, {@code getListenSockets()} lists them all. Start binds all or none.
   */
  public ListenRainServerBuilder addListenAddress(SocketAddress address) {
    extraAddresses.add(Addresses.unwrap(Objects.requireNonNull(address, "address")));
    return this;
  }

  /**
   * Shares the listening address with a native ListenRain protocol: each connection goes to gRPC if it starts with
   * the gRPC preface, else to the first native protocol (in the order added) that recognises its first bytes; a
   * protocol with a 0-byte preface (at most one) takes whatever is left. Connections nobody claims are closed; so
   * are connections that have not been recognised within the {@link #handshakeTimeout handshake timeout}. The
   * dispatch is the core's {@link io.listenrain.sharing.PortSharingAcceptor}.
   *
   * @throws IllegalArgumentException if {@code protocol} has no preface and one added earlier has none either
   */
  public ListenRainServerBuilder addNativeProtocol(ServerProtocol protocol) {
    Objects.requireNonNull(protocol, "protocol");
    if (protocol.prefaceLength() == 0 && nativeProtocols.stream().anyMatch(p -> p.prefaceLength() == 0)) {
      throw new IllegalArgumentException("only one protocol without a preface can share an address, got a second: "
          + protocol.name());
    }
    nativeProtocols.add(protocol);
    return this;
  }

  ServerImplBuilder delegateForInternal() {
    return delegate;
  }

  void setStatsEnabled(boolean enabled) {
    delegate.setStatsEnabled(enabled);
  }

  private InternalServer buildTransportServer(List<? extends ServerStreamTracer.Factory> tracerFactories) {
    TransportConfig c = config.copy();
    if (tls != null) {
      c.channelOptions = c.channelOptions.withServerTls(tls);
    }
    List<SocketAddress> all = new ArrayList<>();
    all.add(address);
    all.addAll(extraAddresses);
    return new ListenRainServer(all, c, tracerFactories, nativeProtocols);
  }
}
