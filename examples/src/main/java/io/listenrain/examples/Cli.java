package io.listenrain.examples;

import io.listenrain.codec.BytesMessage;
import io.listenrain.codec.RawBytesMessageCodec;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.config.TransportKey;
import io.listenrain.protocol.Protocol;
import io.listenrain.protocol.ProtocolRegisterTable;
import io.listenrain.server.Server;
import io.netty.buffer.Unpooled;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * The {@code ./listenrain} command line: {@code demo} runs a native request/response over real TCP, in process;
 * {@code serve} runs the example services (gRPC and native on one port) and {@code call} calls them;
 * {@code serve-gobench} serves the Go original's benchmark protocol.
 */
public final class Cli {
  private Cli() {}

  public static void main(String[] args) {
    int code;
    try {
      code = run(args, System.out, System.err);
    } catch (Exception e) {
      e.printStackTrace(System.err);
      code = 1;
    }
    System.exit(code);
  }

  /** Runs one command; returns the process exit code. */
  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    String command = args.length == 0 ? "help" : args[0];
    switch (command) {
      case "demo":
        return demo(out);
      case "serve":
        return ServeCommand.run(args, out);
      case "call":
        return CallCommand.run(args, out, err);
      case "serve-gobench":
        return GoBenchServeCommand.run(args, out, err);
      default:
        err.println("usage: listenrain demo | serve | serve-gobench | call | bench");
        return 2;
    }
  }

  /** A server and a client of a raw-bytes protocol on loopback: one call, then the client's counters. */
  static int demo(PrintStream out) throws Exception {
    try (ProtocolRegisterTable table = new ProtocolRegisterTable()) {
      Protocol<BytesMessage> demo = table.register(ProtocolSpec.builder("demo", RawBytesMessageCodec.instance())
          .defaultTimeout(Duration.ofSeconds(5)).build());
      Server server = demo.listen(new InetSocketAddress("127.0.0.1", 0), (response, msgId, request) -> {
        String text = request.payload().toString(StandardCharsets.UTF_8);
        request.release();
        response.send(new BytesMessage(msgId,
            Unpooled.copiedBuffer(text.toUpperCase(Locale.ROOT), StandardCharsets.UTF_8)));
      });
      out.println("listening on " + server.localAddress() + " (protocol \"demo\", raw bytes, 4-byte length framing)");

      TransportKey key = demo.key(server.localAddress());
      long msgId = 1;
      String text = "hello, ListenRain";
      out.println("sent msgId " + msgId + ": \"" + text + "\"");
      long start = System.nanoTime();
      BytesMessage reply = demo.syncSend(key,
          new BytesMessage(msgId, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)), Duration.ofSeconds(5));
      long micros = (System.nanoTime() - start) / 1000;
      try {
        out.println("got reply msgId " + reply.msgId() + ": \"" + reply.payload().toString(StandardCharsets.UTF_8)
            + "\" in " + micros + " us");
      } finally {
        reply.release();
      }
      out.println("stats: " + demo.transport(key).stats());
      out.println("server: " + server.stats());
      demo.close();
      server.closeFuture().get(5, java.util.concurrent.TimeUnit.SECONDS);
      return 0;
    }
  }
}
