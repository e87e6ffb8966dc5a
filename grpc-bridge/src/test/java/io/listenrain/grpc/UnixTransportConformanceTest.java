package io.listenrain.grpc;

import java.net.SocketAddress;

/** The conformance suite over Unix channels. */
class UnixTransportConformanceTest extends AbstractTransportConformanceTest {
  @Override
  protected SocketAddress bindAddress() {
    return TransportKind.UNIX.bindAddress();
  }
}
