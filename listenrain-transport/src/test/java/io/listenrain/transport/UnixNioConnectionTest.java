package io.listenrain.transport;

import io.listenrain.channel.ChannelKinds;
import io.listenrain.channel.ChannelOptions;
import io.listenrain.channel.ChannelPair;

/** The {@link Connection} conformance suite over Unix domain sockets on the JDK's own domain-socket channel. */
class UnixNioConnectionTest extends AbstractConnectionTest {
  @Override
  protected ChannelPair connect(ChannelOptions options) throws Exception {
    return ChannelKinds.unix(options.withPreferNative(false));
  }
}
