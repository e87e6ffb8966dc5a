package io.listenrain.examples;

import io.grpc.ManagedChannel;
import io.listenrain.codec.BytesMessage;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.proto.greeter.GreeterGrpc;
import io.listenrain.proto.greeter.HelloRequest;
import io.listenrain.protocol.Protocol;
import io.listenrain.protocol.ProtocolRegisterTable;
import io.netty.buffer.Unpooled;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./listenrain call [--host H] [--port N | --unix PATH] [--name NAME] [--native TEXT]}: calls a server
 * started by {@code ./listenrain serve}: the gRPC greeter (default), and the native echo protocol when
 * {@code --native} is given. Prints each reply; exits non-zero if a call fails.
 */
final class CallCommand {
  private CallCommand() {}

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Endpoint endpoint = Endpoint.parse(args, 1);
    String name = "world";
    String nativeText = null;
    for (int i = 0; i < endpoint.rest.size(); i++) {
      String a = endpoint.rest.get(i);
      if ("--name".equals(a) && i + 1 < endpoint.rest.size()) {
        name = endpoint.rest.get(++i);
      } else if ("--native".equals(a) && i + 1 < endpoint.rest.size()) {
        nativeText = endpoint.rest.get(++i);
      } else {
        err.println("listenrain call: unknown argument " + a);
        return 2;
      }
    }
    out.println("greeter over ListenRain-gRPC at " + endpoint + ": " + greet(endpoint, name));
    if (nativeText != null) {
      out.println("native echo at " + endpoint + ": " + nativeEcho(endpoint, nativeText));
    }
    return 0;
  }

  static String greet(Endpoint endpoint, String name) throws InterruptedException {
    ListenRainChannelBuilder builder = endpoint.unixPath != null
        ? ListenRainChannelBuilder.forUnixSocket(endpoint.unixPath)
        : ListenRainChannelBuilder.forAddress(endpoint.host, endpoint.port);
    ManagedChannel channel = builder.usePlaintext().build();
    try {
      return GreeterGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .sayHello(HelloRequest.newBuilder().setName(name).build()).getMessage();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  static String nativeEcho(Endpoint endpoint, String text) throws InterruptedException {
    try (ProtocolRegisterTable table = new ProtocolRegisterTable()) {
      Protocol<BytesMessage> echo = table.register(ServeCommand.nativeEchoSpec());
      BytesMessage reply = echo.syncSend(echo.key(endpoint.dialAddress()),
          new BytesMessage(1, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)), Duration.ofSeconds(10));
      try {
        return reply.content().toString(StandardCharsets.UTF_8);
      } finally {
        reply.release();
      }
    }
  }
}
