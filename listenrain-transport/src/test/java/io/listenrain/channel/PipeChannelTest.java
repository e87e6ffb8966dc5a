package io.listenrain.channel;

/**
 * The channel conformance suite over in-process pipes. A pipe has no reset: an abort looks like an orderly end to the
 * peer. Back-pressure comes from {@link PipeFlow}, since Netty's LocalChannel alone would queue without bound.
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
  protected boolean gracefulCloseWaitsForASlowPeer() {
    return false; // the peer's inbound queue takes every byte at once; the close completes, the peer reads later
  }
}
