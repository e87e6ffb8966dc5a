package io.listenrain.examples;

import io.grpc.ManagedChannel;
import io.listenrain.codec.BytesMessage;
import io.listenrain.codec.RawBytesMessageCodec;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.config.TransportKey;
import io.listenrain.examples.greeter.GreeterService;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.grpc.ListenRainServerBuilder;
import io.listenrain.proto.greeter.GreeterGrpc;
import io.listenrain.proto.greeter.HelloRequest;
import io.listenrain.protocol.Protocol;
import io.listenrain.protocol.ProtocolRegisterTable;
import io.listenrain.server.Server;
import io.netty.buffer.Unpooled;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./listenrain demo}: what ListenRain is for, in a few lines. A native request/response (a raw-bytes protocol
 * of one's own) and a gRPC call through a generated stub (the greeter, gRPC-Java over the ListenRain transport), both
 * over real loopback TCP, each through a {@link ByteCountingRelay}; prints what each call cost in time and bytes on
 * the wire, for the first call (which opens the connection, in a cold JVM) and, averaged, the next ones.
 */
final class DemoCommand {
  static final String TEXT = "hello, ListenRain";

  private DemoCommand() {}

  /** Calls after the first, averaged. */
  static final int NEXT_CALLS = 200;

  /** What {@code calls} calls cost together. */
  record Cost(long nanos, long bytesOut, long bytesIn, int calls) {
    /** Per call: time and bytes both ways. */
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%9.3f ms %5d B", nanos / 1e6 / calls, (bytesOut + bytesIn) / calls);
    }
  }

  /** Runs {@code call} {@code times} times on {@code relay}'s connection; returns their cost and the last result. */
  private static <T> Cost measure(ByteCountingRelay relay, int times, Callable<T> call, Object[] result)
      throws Exception {
    long out = relay.bytesToServer();
    long in = relay.bytesToClient();
    long start = System.nanoTime();
    for (int i = 0; i < times; i++) {
      result[0] = call.call();
    }
    long nanos = System.nanoTime() - start;
    return new Cost(nanos, relay.bytesToServer() - out, relay.bytesToClient() - in, times);
  }

  /** One native call; returns the reply's text (the reply buffer is released here). */
  private static String echo(Protocol<BytesMessage> demo, TransportKey key, long msgId)
      throws InterruptedException {
    BytesMessage reply = demo.syncSend(key,
        new BytesMessage(msgId, Unpooled.copiedBuffer(TEXT, StandardCharsets.UTF_8)), Duration.ofSeconds(5));
    try {
      return reply.payload().toString(StandardCharsets.UTF_8);
    } finally {
      reply.release();
    }
  }

  static int run(PrintStream out) throws Exception {
    try (ProtocolRegisterTable table = new ProtocolRegisterTable()) {
      Protocol<BytesMessage> demo = table.register(ProtocolSpec.builder("demo", RawBytesMessageCodec.instance())
          .defaultTimeout(Duration.ofSeconds(5)).build());
      Server server = demo.listen(new InetSocketAddress("127.0.0.1", 0), (response, msgId, request) -> {
        String text = request.payload().toString(StandardCharsets.UTF_8);
        request.release();
        response.send(new BytesMessage(msgId,
            Unpooled.copiedBuffer(text.toUpperCase(Locale.ROOT), StandardCharsets.UTF_8)));
      });
      io.grpc.Server grpc = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
          .addService(new GreeterService()).build().start();
      try (ByteCountingRelay nativeRelay = new ByteCountingRelay((InetSocketAddress) server.localAddress());
          ByteCountingRelay grpcRelay = new ByteCountingRelay(
              (InetSocketAddress) grpc.getListenSockets().get(0))) {
        out.println("listening on " + server.localAddress() + " (protocol \"demo\", raw bytes, 4-byte length framing)"
            + " and " + grpc.getListenSockets().get(0) + " (gRPC Greeter over ListenRain), each behind a relay"
            + " that counts bytes");

        // The native call, as the native API is used: a key per server, syncSend, the reply released after use.
        TransportKey key = demo.key(nativeRelay.address());
        out.println("sent msgId 1: \"" + TEXT + "\"");
        Object[] reply = new Object[1];
        Cost nativeFirst = measure(nativeRelay, 1, () -> echo(demo, key, 1), reply);
        String nativeAnswer = (String) reply[0];
        out.println("got reply msgId 1: \"" + nativeAnswer + "\" in " + nativeFirst.nanos() / 1000 + " us");
        out.println("stats: " + demo.transport(key).stats());
        out.println("server: " + server.stats());
        long[] msgId = {1};
        Cost nativeNext = measure(nativeRelay, NEXT_CALLS, () -> echo(demo, key, ++msgId[0]), reply);

        // The gRPC call, as gRPC is used: a channel, a generated blocking stub.
        ManagedChannel channel = ListenRainChannelBuilder.forAddress("127.0.0.1", grpcRelay.address().getPort())
            .usePlaintext().build();
        Object[] hello = new Object[1];
        Cost grpcFirst;
        Cost grpcNext;
        try {
          GreeterGrpc.GreeterBlockingStub stub = GreeterGrpc.newBlockingStub(channel);
          HelloRequest request = HelloRequest.newBuilder().setName(TEXT).build();
          grpcFirst = measure(grpcRelay, 1, () -> stub.withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(request)
              .getMessage(), hello);
          grpcNext = measure(grpcRelay, NEXT_CALLS, () -> stub.withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(request)
              .getMessage(), hello);
        } finally {
          channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }

        out.println("what a call cost on loopback TCP (time; bytes both ways, framing and headers included):");
        out.println(String.format(Locale.ROOT, "  %-40s %-22s %s", "", "first call (connects)",
            "next " + NEXT_CALLS + " calls, each"));
        out.println(String.format(Locale.ROOT, "  %-40s %s     %s   -> \"%s\"",
            "gRPC: generated stub, Greeter/SayHello", grpcFirst, grpcNext, hello[0]));
        out.println(String.format(Locale.ROOT, "  %-40s %s     %s   -> \"%s\"",
            "native: raw bytes, protocol \"demo\"", nativeFirst, nativeNext, nativeAnswer));
      } finally {
        grpc.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        demo.close();
        server.closeFuture().get(5, TimeUnit.SECONDS);
      }
      return 0;
    }
  }
}
