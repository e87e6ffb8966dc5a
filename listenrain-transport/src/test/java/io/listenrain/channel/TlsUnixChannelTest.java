package io.listenrain.channel;

/** The channel conformance suite over Unix domain sockets with mutual TLS. */
class TlsUnixChannelTest extends AbstractChannelTest {
  @Override
  protected ChannelPair connect(ChannelOptions options) throws Exception {
    return ChannelKinds.unix(TlsFixtures.mutual(options));
  }

  @Override
  protected String kind() {
    return "unix";
  }
}
