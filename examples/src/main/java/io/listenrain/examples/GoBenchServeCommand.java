package io.listenrain.examples;

import io.listenrain.codec.LengthPrefixedPacketCodec;
import io.listenrain.examples.benchproto.BenchCodec;
import io.listenrain.examples.benchproto.BenchProtocol;
import io.listenrain.server.Server;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./listenrain serve-gobench [--host H] [--port N] [--payload BYTES]}: the Go original's benchmark server, so
 * its benchmark client can be pointed at us. It speaks {@link BenchProtocol} (4-byte big-endian length, the 36-byte
 * msgID, the payload) and echoes every request, msgID byte for byte, as the original's server does. {@code --payload}
 * is the payload size the Go client sends (default 4096); the packet limit is raised to fit it when it exceeds the
 * default 16 MiB.
 */
final class GoBenchServeCommand {
  static final int DEFAULT_PAYLOAD = 4096;

  private GoBenchServeCommand() {}

  /** Starts the echo server on {@code endpoint} for payloads up to {@code payload} bytes. */
  static Server start(Endpoint endpoint, int payload) throws Exception {
    if (payload < 0) {
      throw new IllegalArgumentException("--payload must be >= 0: " + payload);
    }
    long packet = (long) BenchCodec.MSG_ID_LENGTH + payload;
    if (packet > Integer.MAX_VALUE - LengthPrefixedPacketCodec.HEADER_LENGTH) {
      throw new IllegalArgumentException("--payload too large for 4-byte framing: " + payload);
    }
    int limit = (int) Math.max(LengthPrefixedPacketCodec.DEFAULT_MAX_PAYLOAD_LENGTH, packet);
    return BenchProtocol.startEchoServer(endpoint.bindAddress(), BenchProtocol.spec()
        .packetCodec(new LengthPrefixedPacketCodec(limit)).build());
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    if (Cli.wantsHelp(args)) {
      out.println("usage: listenrain serve-gobench [--host H] [--port N] [--payload BYTES]\n"
          + "  Serves the Go original's benchmark protocol (echo) until stopped.");
      return 0;
    }
    Endpoint endpoint = Endpoint.parse(args, 1);
    int payload = DEFAULT_PAYLOAD;
    for (int i = 0; i < endpoint.rest.size(); i++) {
      String a = endpoint.rest.get(i);
      if (a.equals("--payload") && i + 1 < endpoint.rest.size()) {
        payload = Integer.parseInt(endpoint.rest.get(++i));
      } else {
        err.println("usage: listenrain serve-gobench [--host H] [--port N] [--payload BYTES]");
        return 2;
      }
    }
    Server server = start(endpoint, payload);
    out.println("listenrain serve-gobench: " + server.localAddress() + " — the Go benchmark protocol (4-byte length,"
        + " 36-byte msgId echoed byte for byte, " + payload + "-byte payloads); Ctrl-C stops");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
        server.closeFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        server.shutdownNow();
      } finally {
        stopped.countDown();
      }
    }, "listenrain-serve-gobench-stop"));
    stopped.await();
    return 0;
  }
}
