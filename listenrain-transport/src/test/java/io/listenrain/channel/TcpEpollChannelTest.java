package io.listenrain.channel;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The channel conformance suite over TCP with Netty's native epoll transport. */
class TcpEpollChannelTest extends AbstractChannelTest {
  @Override
  protected ChannelPair connect(ChannelOptions options) throws Exception {
    assumeTrue(Channels.nativeTransportAvailable(), "native epoll not available");
    return ChannelKinds.tcp(options.withPreferNative(true));
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
