package io.listenrain.channel;

/** The channel conformance suite over Unix domain sockets. A Unix socket has no reset: an abort looks like EOF. */
class UnixChannelTest extends AbstractChannelTest {
  @Override
  protected ChannelPair connect(ChannelOptions options) throws Exception {
    return ChannelKinds.unix(options);
  }

  @Override
  protected String kind() {
    return "unix";
  }
}
