package io.listenrain.channel;

/**
 * The channel conformance suite over FIFO pairs with a second process in the path: each channel's FIFO pair leads to a
 * {@link FifoRelay} in a forked JVM, which copies bytes to the other channel's pair. An abort closes the FIFOs like an
 * orderly close; the relay passes the end of stream on, so the peer sees an orderly end.
 */
class FifoRelayChannelTest extends AbstractChannelTest {
  @Override
  protected ChannelPair connect(ChannelOptions options) throws Exception {
    return ChannelKinds.fifoViaRelay(options);
  }

  @Override
  protected String kind() {
    return "fifo";
  }
}
