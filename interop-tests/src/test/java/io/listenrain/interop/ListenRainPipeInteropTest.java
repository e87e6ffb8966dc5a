package io.listenrain.interop;

import io.listenrain.channel.InProcessAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/** grpc-java's interop suite over ListenRain's in-process pipe (a Netty local channel, framed like a socket). */
public class ListenRainPipeInteropTest extends ListenRainInteropTestBase {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  @Override
  protected SocketAddress bindAddress() {
    return new InProcessAddress("listenrain-interop-" + COUNTER.incrementAndGet());
  }
}
