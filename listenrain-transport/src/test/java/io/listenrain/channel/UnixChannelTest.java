package io.listenrain.channel;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The channel conformance suite over Unix domain sockets. A Unix socket has no reset: an abort looks like EOF. */
class UnixChannelTest extends AbstractChannelTest {
  @Override
  protected ChannelPair connect(ChannelOptions options) throws Exception {
    assumeTrue(Channels.nativeTransportAvailable(), "Unix sockets need native epoll");
    return ChannelKinds.unix(options);
  }

  @Override
  protected String kind() {
    return "unix";
  }
}
