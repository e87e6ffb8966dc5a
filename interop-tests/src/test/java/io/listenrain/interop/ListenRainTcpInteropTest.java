package io.listenrain.interop;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** grpc-java's interop suite over ListenRain on loopback TCP. */
public class ListenRainTcpInteropTest extends ListenRainInteropTestBase {
  @Override
  protected SocketAddress bindAddress() {
    return new InetSocketAddress("127.0.0.1", 0);
  }
}
