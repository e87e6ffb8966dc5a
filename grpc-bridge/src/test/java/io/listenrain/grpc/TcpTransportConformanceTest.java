package io.listenrain.grpc;

import java.net.SocketAddress;

/** The conformance suite over Tcp channels. */
class TcpTransportConformanceTest extends AbstractTransportConformanceTest {
  @Override
  protected SocketAddress bindAddress() {
    return TransportKind.TCP.bindAddress();
  }
}
