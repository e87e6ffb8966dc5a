package io.listenrain.channel;

import io.netty.buffer.ByteBufAllocator;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Socket-level settings for channels built by {@link Channels}. Immutable; start from {@link #defaults()}.
 *
 * <p>TLS: {@link #withClientTls(ClientTls)} applies to dialed TCP and Unix-socket channels, {@link
 * #withServerTls(ServerTls)} to accepted ones, so one options object (a protocol's) can carry both sides. In-process
 * pipes and stream adapters ignore both: a pipe never leaves the process, and a stream pair is whatever the caller
 * made it.
 */
public final class ChannelOptions {
  /** Default connect timeout: 10 s, as the original framework's TCP dialer. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** Default outbound high watermark: above it {@link Channel#isWritable()} turns false. */
  public static final int DEFAULT_HIGH_WATERMARK = 1024 * 1024;
  /** Default outbound low watermark: below it {@link Channel#isWritable()} turns true again. */
  public static final int DEFAULT_LOW_WATERMARK = 512 * 1024;

  private static final ChannelOptions DEFAULTS = new ChannelOptions(
      DEFAULT_CONNECT_TIMEOUT, DEFAULT_LOW_WATERMARK, DEFAULT_HIGH_WATERMARK, true, true,
      ByteBufAllocator.DEFAULT, null, null, null);

  private final Duration connectTimeout;
  private final int lowWatermark;
  private final int highWatermark;
  private final boolean tcpNoDelay;
  private final boolean preferNative;
  private final ByteBufAllocator allocator;
  private final ClientTls clientTls;
  private final ServerTls serverTls;
  private final HttpConnectProxy proxy;

  private ChannelOptions(Duration connectTimeout, int lowWatermark, int highWatermark, boolean tcpNoDelay,
      boolean preferNative, ByteBufAllocator allocator, ClientTls clientTls, ServerTls serverTls,
      HttpConnectProxy proxy) {
    this.connectTimeout = connectTimeout;
    this.lowWatermark = lowWatermark;
    this.highWatermark = highWatermark;
    this.tcpNoDelay = tcpNoDelay;
    this.preferNative = preferNative;
    this.allocator = allocator;
    this.clientTls = clientTls;
    this.serverTls = serverTls;
    this.proxy = proxy;
  }

  /**
   * Connect timeout 10 s, watermarks 512 KiB / 1 MiB, TCP_NODELAY on, native epoll when available, pooled buffers,
   * no TLS.
   */
  public static ChannelOptions defaults() {
    return DEFAULTS;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public int lowWatermark() {
    return lowWatermark;
  }

  public int highWatermark() {
    return highWatermark;
  }

  public boolean tcpNoDelay() {
    return tcpNoDelay;
  }

  public boolean preferNative() {
    return preferNative;
  }

  public ByteBufAllocator allocator() {
    return allocator;
  }

  /** The time a dial may take before it fails with a retryable {@link ConnectException}; must be positive. */
  public ChannelOptions withConnectTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("connect timeout must be positive: " + timeout);
    }
    return new ChannelOptions(timeout, lowWatermark, highWatermark, tcpNoDelay, preferNative, allocator,
        clientTls, serverTls, proxy);
  }

  /** Outbound buffer watermarks in bytes; {@code 0 < low <= high}. */
  public ChannelOptions withWatermarks(int low, int high) {
    if (low <= 0 || high < low) {
      throw new IllegalArgumentException("need 0 < low <= high, got low=" + low + " high=" + high);
    }
    return new ChannelOptions(connectTimeout, low, high, tcpNoDelay, preferNative, allocator,
        clientTls, serverTls, proxy);
  }

  public ChannelOptions withTcpNoDelay(boolean on) {
    return new ChannelOptions(connectTimeout, lowWatermark, highWatermark, on, preferNative, allocator,
        clientTls, serverTls, proxy);
  }

  /**
   * Whether to use Netty's native epoll transport when it is available (the default); false forces the JDK's NIO
   * channels, for TCP and Unix domain sockets alike.
   */
  public ChannelOptions withPreferNative(boolean on) {
    return new ChannelOptions(connectTimeout, lowWatermark, highWatermark, tcpNoDelay, on, allocator,
        clientTls, serverTls, proxy);
  }

  /** TLS for dialed TCP and Unix-socket channels; {@code null} for plaintext (the default). */
  public ChannelOptions withClientTls(ClientTls tls) {
    return new ChannelOptions(connectTimeout, lowWatermark, highWatermark, tcpNoDelay, preferNative, allocator, tls,
        serverTls, proxy);
  }

  /** TLS for accepted TCP and Unix-socket channels; {@code null} for plaintext (the default). */
  public ChannelOptions withServerTls(ServerTls tls) {
    return new ChannelOptions(connectTimeout, lowWatermark, highWatermark, tcpNoDelay, preferNative, allocator,
        clientTls, tls, proxy);
  }

  /** The client side of TLS, if dialed channels use it. */
  public Optional<ClientTls> clientTls() {
    return Optional.ofNullable(clientTls);
  }

  /** The server side of TLS, if accepted channels use it. */
  public Optional<ServerTls> serverTls() {
    return Optional.ofNullable(serverTls);
  }

  /**
   * Dial TCP channels through an HTTP CONNECT proxy (the tunnel grpc-java's proxy detection asks for); {@code null}
   * dials directly (the default). The dial completes once the proxy has answered 200 and, with TLS, once the TLS
   * handshake through the tunnel has; a proxy that refuses fails the dial with a {@link ConnectException} naming the
   * proxy and its answer. Unix sockets and in-process pipes ignore it.
   */
  public ChannelOptions withHttpConnectProxy(HttpConnectProxy proxy) {
    return new ChannelOptions(connectTimeout, lowWatermark, highWatermark, tcpNoDelay, preferNative, allocator,
        clientTls, serverTls, proxy);
  }

  /** The HTTP CONNECT proxy dialed TCP channels go through, if any. */
  public Optional<HttpConnectProxy> httpConnectProxy() {
    return Optional.ofNullable(proxy);
  }

  public ChannelOptions withAllocator(ByteBufAllocator alloc) {
    return new ChannelOptions(connectTimeout, lowWatermark, highWatermark, tcpNoDelay, preferNative,
        Objects.requireNonNull(alloc, "alloc"), clientTls, serverTls, proxy);
  }
}
