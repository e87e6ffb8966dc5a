package io.listenrain.transport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.listenrain.channel.ChannelKinds;
import io.listenrain.channel.ChannelOptions;
import io.listenrain.channel.ChannelPair;
import io.listenrain.channel.Channels;

/** The {@link Connection} conformance suite over Netty's native epoll TCP transport. */
class TcpEpollConnectionTest extends AbstractConnectionTest {
  @Override
  protected ChannelPair connect(ChannelOptions options) throws Exception {
    assumeTrue(Channels.nativeTransportAvailable(), "native epoll not available");
    return ChannelKinds.tcp(options.withPreferNative(true));
  }
}
