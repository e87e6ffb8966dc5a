package io.listenrain.examples;

import io.grpc.ManagedChannel;
import io.listenrain.channel.ChannelOptions;
import io.listenrain.channel.ClientTls;
import io.listenrain.codec.BytesMessage;
import io.listenrain.codec.RawBytesMessageCodec;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.proto.greeter.GreeterGrpc;
import io.listenrain.proto.greeter.HelloRequest;
import io.listenrain.protocol.Protocol;
import io.listenrain.protocol.ProtocolRegisterTable;
import io.netty.buffer.Unpooled;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./listenrain call [--host H] [--port N | --unix PATH] [--name NAME] [--native TEXT] [--tls-ca FILE]
 * [--tls-cert FILE --tls-key FILE]}: calls a server started by {@code ./listenrain serve}: the gRPC greeter (default),
 * and the native echo protocol when {@code --native} is given. {@code --tls-ca} (PEM) speaks TLS and trusts that CA;
 * {@code --tls-cert/--tls-key} present a client certificate (mutual TLS). Prints each reply; exits non-zero if a call
 * fails.
 */
final class CallCommand {
  private CallCommand() {}

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Endpoint endpoint = Endpoint.parse(args, 1);
    TlsFiles tlsFiles = TlsFiles.parse(endpoint.rest);
    ClientTls tls = tlsFiles.clientTlsWanted() ? tlsFiles.clientTls() : null;
    List<String> rest = tlsFiles.rest;
    String name = "world";
    String nativeText = null;
    for (int i = 0; i < rest.size(); i++) {
      String a = rest.get(i);
      if ("--name".equals(a) && i + 1 < rest.size()) {
        name = rest.get(++i);
      } else if ("--native".equals(a) && i + 1 < rest.size()) {
        nativeText = rest.get(++i);
      } else {
        err.println("listenrain call: unknown argument " + a);
        return 2;
      }
    }
    String over = tls != null ? " over TLS" : "";
    out.println("greeter over ListenRain-gRPC at " + endpoint + over + ": " + greet(endpoint, name, tls));
    if (nativeText != null) {
      out.println("native echo at " + endpoint + over + ": " + nativeEcho(endpoint, nativeText, tls));
    }
    return 0;
  }

  static String greet(Endpoint endpoint, String name) throws InterruptedException {
    return greet(endpoint, name, null);
  }

  /** One greeter call; {@code tls == null} for plaintext. */
  static String greet(Endpoint endpoint, String name, ClientTls tls) throws InterruptedException {
    ListenRainChannelBuilder builder = endpoint.unixPath != null
        ? ListenRainChannelBuilder.forUnixSocket(endpoint.unixPath)
        : ListenRainChannelBuilder.forAddress(endpoint.host, endpoint.port);
    ManagedChannel channel = (tls != null ? builder.tls(tls) : builder.usePlaintext()).build();
    try {
      return GreeterGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .sayHello(HelloRequest.newBuilder().setName(name).build()).getMessage();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  static String nativeEcho(Endpoint endpoint, String text) throws InterruptedException {
    return nativeEcho(endpoint, text, null);
  }

  /** One native echo call; {@code tls == null} for plaintext. */
  static String nativeEcho(Endpoint endpoint, String text, ClientTls tls) throws InterruptedException {
    try (ProtocolRegisterTable table = new ProtocolRegisterTable()) {
      ProtocolSpec<BytesMessage> spec = tls == null ? ServeCommand.nativeEchoSpec()
          : ProtocolSpec.builder(ServeCommand.NATIVE_ECHO, RawBytesMessageCodec.instance())
              .channelOptions(ChannelOptions.defaults().withClientTls(tls)).build();
      Protocol<BytesMessage> echo = table.register(spec);
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
