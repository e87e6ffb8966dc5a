package io.listenrain.transport;

import io.listenrain.channel.ChannelKinds;
import io.listenrain.channel.ChannelOptions;
import io.listenrain.channel.ChannelPair;

/** The {@link Connection} conformance suite over the stream adapter over a loopback socket's streams. */
class StreamConnectionTest extends AbstractConnectionTest {
  @Override
  protected ChannelPair connect(ChannelOptions options) throws Exception {
    return ChannelKinds.streams(options);
  }
}
