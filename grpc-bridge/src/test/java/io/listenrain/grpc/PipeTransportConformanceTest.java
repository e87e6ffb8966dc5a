package io.listenrain.grpc;

import java.net.SocketAddress;

/** The conformance suite over Pipe channels. */
class PipeTransportConformanceTest extends AbstractTransportConformanceTest {
  @Override
  protected SocketAddress bindAddress() {
    return TransportKind.PIPE.bindAddress();
  }
}
