package io.listenrain.channel;

/**
 * The channel conformance suite over Unix domain sockets on the JDK's own domain-socket channel (what runs where
 * Netty's native epoll is missing: macOS, Windows, {@code -Dio.netty.transport.noNative=true}).
 */
class UnixNioChannelTest extends AbstractChannelTest {
  @Override
  protected ChannelPair connect(ChannelOptions options) throws Exception {
    return ChannelKinds.unix(options.withPreferNative(false));
  }

  @Override
  protected String kind() {
    return "unix";
  }
}
