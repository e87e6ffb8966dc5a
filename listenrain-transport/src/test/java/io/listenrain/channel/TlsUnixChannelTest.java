package io.listenrain.channel;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The channel conformance suite over Unix domain sockets with mutual TLS. */
class TlsUnixChannelTest extends AbstractChannelTest {
  @Override
  protected ChannelPair connect(ChannelOptions options) throws Exception {
    assumeTrue(Channels.nativeTransportAvailable(), "Unix sockets need native epoll");
    return ChannelKinds.unix(TlsFixtures.mutual(options));
  }

  @Override
  protected String kind() {
    return "unix";
  }
}
