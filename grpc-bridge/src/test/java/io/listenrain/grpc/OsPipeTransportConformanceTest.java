package io.listenrain.grpc;

import java.net.SocketAddress;

/**
 * The conformance suite over channels the application provides: each connection two real OS pipes, the server's ends
 * handed to {@link ServedChannels}, the client's returned by its dialer as a {@code ChannelGenerator} would.
 */
class OsPipeTransportConformanceTest extends AbstractTransportConformanceTest {
  private final ServedChannels served = ServedChannels.create();

  OsPipeTransportConformanceTest() {
    clientConfig.dialer = (address, options) -> ServedPipes.connect(served);
  }

  @Override
  protected SocketAddress bindAddress() {
    return ChannelSourceAddress.of(served);
  }
}
