package io.listenrain.channel;

/**
 * The channel conformance suite over in-process pipes. A pipe has no reset, and Netty's LocalChannel queues written
 * bytes at the reader without bound, so a reader that stops reading never makes the writer unwritable.
 */
class PipeChannelTest extends AbstractChannelTest {
  @Override
  protected ChannelPair connect(ChannelOptions options) throws Exception {
    return ChannelKinds.pipe(options);
  }

  @Override
  protected String kind() {
    return "pipe";
  }

  @Override
  protected boolean backPressureFromSlowPeer() {
    return false;
  }
}
