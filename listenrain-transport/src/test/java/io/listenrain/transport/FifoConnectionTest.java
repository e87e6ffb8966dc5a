package io.listenrain.transport;

import io.listenrain.channel.ChannelKinds;
import io.listenrain.channel.ChannelOptions;
import io.listenrain.channel.ChannelPair;

/** The {@link Connection} conformance suite over a FIFO pair (both ends in this JVM). */
class FifoConnectionTest extends AbstractConnectionTest {
  @Override
  protected ChannelPair connect(ChannelOptions options) throws Exception {
    return ChannelKinds.fifo(options);
  }
}
