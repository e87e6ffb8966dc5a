package io.listenrain.examples.greeter;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.netty.NettyChannelBuilder;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.proto.greeter.GreeterGrpc;
import io.listenrain.proto.greeter.HelloRequest;
import java.util.concurrent.TimeUnit;

/**
 * Calls the greeter through the generated blocking stub. Only the channel builder line picks the transport:
 *
 * <pre>{@code
 * ManagedChannelBuilder<?> b = ListenRainChannelBuilder.forAddress(host, port);  // ListenRain
 * ManagedChannelBuilder<?> b = NettyChannelBuilder.forAddress(host, port);       // HTTP/2 over Netty
 * }</pre>
 *
 * Both ends must use the same transport. Run: {@code GreeterClient [name] [host:port] [--netty]}.
 */
public final class GreeterClient implements AutoCloseable {
  private final ManagedChannel channel;
  private final GreeterGrpc.GreeterBlockingStub stub;

  public GreeterClient(String host, int port, boolean netty) {
    ManagedChannelBuilder<?> builder = netty ? NettyChannelBuilder.forAddress(host, port)
        : ListenRainChannelBuilder.forAddress(host, port);
    this.channel = builder.usePlaintext().build();
    this.stub = GreeterGrpc.newBlockingStub(channel);
  }

  /** Says hello; fails with {@code StatusRuntimeException} if the call fails or takes over 10 s. */
  public String greet(String name) {
    return stub.withDeadlineAfter(10, TimeUnit.SECONDS)
        .sayHello(HelloRequest.newBuilder().setName(name).build()).getMessage();
  }

  /** Shuts the channel down, waiting up to 5 s for running calls before cancelling them. */
  @Override
  public void close() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  public static void main(String[] args) throws Exception {
    String name = "world";
    String target = "localhost:50051";
    boolean netty = false;
    int positional = 0;
    for (String a : args) {
      if ("--netty".equals(a)) {
        netty = true;
      } else if (positional++ == 0) {
        name = a;
      } else {
        target = a;
      }
    }
    int colon = target.lastIndexOf(':');
    try (GreeterClient c = new GreeterClient(target.substring(0, colon),
        Integer.parseInt(target.substring(colon + 1)), netty)) {
      System.out.println(c.greet(name));
    }
  }
}
