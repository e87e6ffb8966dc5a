package io.listenrain.client;

import static io.listenrain.testing.NativeFixtures.bytesSpec;

import io.listenrain.channel.Channel;
import io.listenrain.channel.Channels;
import io.listenrain.server.Server;
import io.listenrain.server.ServerTransports;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The peer process of {@link FifoTransportTest}: a native server over one FIFO pair. Arguments: {@code readPath
 * writePath}. Answers every request with its bytes, except one whose text starts with {@code "hold"}, which it keeps
 * unanswered. Exits 0 once the connection ended (the client closed its ends), 2 if no client came within 30 s.
 */
public final class FifoEchoPeer {
  private FifoEchoPeer() {}

  public static void main(String[] args) throws Exception {
    Server server = ServerTransports.create(bytesSpec().build(), (response, msgId, m) -> {
      if (m.payload().toString(StandardCharsets.UTF_8).startsWith("hold")) {
        m.release();
        return;
      }
      response.send(m);
    });
    Channel ch;
    try {
      ch = Channels.fifo(Path.of(args[0]), Path.of(args[1])).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.exit(2);
      return;
    }
    server.serve(ch);
    ch.closeFuture().get();
    server.shutdownNow();
    System.exit(0);
  }
}
