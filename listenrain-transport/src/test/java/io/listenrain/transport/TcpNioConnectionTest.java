package io.listenrain.transport;

import io.listenrain.channel.ChannelKinds;
import io.listenrain.channel.ChannelOptions;
import io.listenrain.channel.ChannelPair;

/** The {@link Connection} conformance suite over Netty's NIO TCP transport. */
class TcpNioConnectionTest extends AbstractConnectionTest {
  @Override
  protected ChannelPair connect(ChannelOptions options) throws Exception {
    return ChannelKinds.tcp(options.withPreferNative(false));
  }
}
