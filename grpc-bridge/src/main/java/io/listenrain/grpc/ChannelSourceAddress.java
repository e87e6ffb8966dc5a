package io.listenrain.grpc;

import io.listenrain.channel.ChannelGenerator;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The address of channels the application provides instead of an address ListenRain dials or binds: a
 * {@link ChannelGenerator} on the client ({@link ListenRainChannelBuilder#forChannelGenerator}), a
 * {@link ServedChannels} on the server ({@link ListenRainServerBuilder#forChannels}). Also what a transport reports
 * as the peer's and its own address when its channel has none (a stream pair). Equal only to itself.
 */
final class ChannelSourceAddress extends SocketAddress {
  private static final long serialVersionUID = 1L;
  private static final AtomicLong IDS = new AtomicLong();

  /** For a channel with no socket address of its own (a stream pair), whoever made it. */
  static final ChannelSourceAddress UNNAMED = new ChannelSourceAddress("stream", null, null);

  private final String name;
  private final transient ChannelGenerator generator;
  private final transient ServedChannels served;

  private ChannelSourceAddress(String name, ChannelGenerator generator, ServedChannels served) {
    this.name = name;
    this.generator = generator;
    this.served = served;
  }

  static ChannelSourceAddress of(ChannelGenerator generator) {
    return new ChannelSourceAddress("channel-generator-" + IDS.incrementAndGet(),
        Objects.requireNonNull(generator, "generator"), null);
  }

  static ChannelSourceAddress of(ServedChannels served) {
    return new ChannelSourceAddress("served-channels-" + IDS.incrementAndGet(), null,
        Objects.requireNonNull(served, "served"));
  }

  /** The generator a client dials through, or null. */
  ChannelGenerator generator() {
    return generator;
  }

  /** The source a server takes channels from, or null. */
  ServedChannels served() {
    return served;
  }

  @Override
  public String toString() {
    return name;
  }
}
