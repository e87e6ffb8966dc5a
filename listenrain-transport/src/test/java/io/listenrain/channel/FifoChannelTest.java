package io.listenrain.channel;

/** The channel conformance suite over a FIFO pair, both ends in this JVM on their own threads. */
class FifoChannelTest extends AbstractChannelTest {
  @Override
  protected ChannelPair connect(ChannelOptions options) throws Exception {
    return ChannelKinds.fifo(options);
  }

  @Override
  protected String kind() {
    return "fifo";
  }
}
