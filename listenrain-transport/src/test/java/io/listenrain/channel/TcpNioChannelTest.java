package io.listenrain.channel;

/** The channel conformance suite over TCP with Netty's NIO transport (the fallback when epoll is unavailable). */
class TcpNioChannelTest extends AbstractChannelTest {
  @Override
  protected ChannelPair connect(ChannelOptions options) throws Exception {
    return ChannelKinds.tcp(options.withPreferNative(false));
  }

  @Override
  protected String kind() {
    return "tcp";
  }

  @Override
  protected boolean peerSeesAbortAsError() {
    return true;
  }
}
