package io.listenrain.examples.greeter;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.listenrain.grpc.ListenRainServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC greeter served over ListenRain TCP. The service and the generated stubs are plain grpc-java; only the
 * builder line picks the transport:
 *
 * <pre>{@code
 * ServerBuilder<?> b = ListenRainServerBuilder.forPort(port);   // ListenRain
 * ServerBuilder<?> b = NettyServerBuilder.forPort(port);        // HTTP/2 over Netty, same service
 * }</pre>
 *
 * Run: {@code GreeterServer [port] [--netty]} (default port 50051).
 */
public final class GreeterServer {
  private final Server server;

  /** A greeter on {@code port} (0 picks a free one), over ListenRain, or over Netty's HTTP/2 if {@code netty}. */
  public GreeterServer(int port, boolean netty) {
    ServerBuilder<?> builder = netty ? NettyServerBuilder.forPort(port) : ListenRainServerBuilder.forPort(port);
    this.server = builder.addService(new GreeterService()).build();
  }

  public GreeterServer start() throws IOException {
    server.start();
    return this;
  }

  /** The port actually bound. */
  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  /** Stops accepting calls, lets running ones finish for up to 5 s, then cancels the rest. */
  public void stop() throws InterruptedException {
    server.shutdown();
    if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  public static void main(String[] args) throws Exception {
    int port = 50051;
    boolean netty = false;
    for (String a : args) {
      if ("--netty".equals(a)) {
        netty = true;
      } else {
        port = Integer.parseInt(a);
      }
    }
    GreeterServer s = new GreeterServer(port, netty).start();
    System.out.println("greeter listening on port " + s.port() + (netty ? " (Netty HTTP/2)" : " (ListenRain)"));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        s.stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    s.server.awaitTermination();
  }
}
