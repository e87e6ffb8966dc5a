package io.listenrain.channel;

/**
 * The channel conformance suite over the stream adapter, on the streams of a loopback socket pair. Closing a stream
 * closes the socket normally, so the peer sees an orderly end rather than a reset.
 */
class StreamChannelTest extends AbstractChannelTest {
  @Override
  protected ChannelPair connect(ChannelOptions options) throws Exception {
    return ChannelKinds.streams(options);
  }

  @Override
  protected String kind() {
    return "stream";
  }
}
