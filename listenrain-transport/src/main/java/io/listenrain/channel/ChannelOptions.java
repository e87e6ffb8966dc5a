package io.listenrain.channel;

import io.netty.buffer.ByteBufAllocator;
import java.time.Duration;
import java.util.Objects;

/**
 * Socket-level settings for channels built by {@link Channels}. Immutable; start from {@link #defaults()}.
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
      ByteBufAllocator.DEFAULT);

  private final Duration connectTimeout;
  private final int lowWatermark;
  private final int highWatermark;
  private final boolean tcpNoDelay;
  private final boolean preferNative;
  private final ByteBufAllocator allocator;

  private ChannelOptions(Duration connectTimeout, int lowWatermark, int highWatermark, boolean tcpNoDelay,
      boolean preferNative, ByteBufAllocator allocator) {
    this.connectTimeout = connectTimeout;
    this.lowWatermark = lowWatermark;
    this.highWatermark = highWatermark;
    this.tcpNoDelay = tcpNoDelay;
    this.preferNative = preferNative;
    this.allocator = allocator;
  }

  /** Connect timeout 10 s, watermarks 512 KiB / 1 MiB, TCP_NODELAY on, native epoll when available, pooled buffers. */
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
    return new ChannelOptions(timeout, lowWatermark, highWatermark, tcpNoDelay, preferNative, allocator);
  }

  /** Outbound buffer watermarks in bytes; {@code 0 < low <= high}. */
  public ChannelOptions withWatermarks(int low, int high) {
    if (low <= 0 || high < low) {
      throw new IllegalArgumentException("need 0 < low <= high, got low=" + low + " high=" + high);
    }
    return new ChannelOptions(connectTimeout, low, high, tcpNoDelay, preferNative, allocator);
  }

  public ChannelOptions withTcpNoDelay(boolean on) {
    return new ChannelOptions(connectTimeout, lowWatermark, highWatermark, on, preferNative, allocator);
  }

  /**
   * Whether to use Netty's native epoll transport when it is available (the default); false forces NIO. Unix domain
   * sockets need the native transport.
   */
  public ChannelOptions withPreferNative(boolean on) {
    return new ChannelOptions(connectTimeout, lowWatermark, highWatermark, tcpNoDelay, on, allocator);
  }

  public ChannelOptions withAllocator(ByteBufAllocator alloc) {
    return new ChannelOptions(connectTimeout, lowWatermark, highWatermark, tcpNoDelay, preferNative,
        Objects.requireNonNull(alloc, "alloc"));
  }
}
