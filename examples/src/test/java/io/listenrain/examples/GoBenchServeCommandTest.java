package io.listenrain.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.listenrain.server.Server;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code serve-gobench}: what the Go benchmark client sends comes back byte for byte, UUID msgIDs included. */
class GoBenchServeCommandTest {

  @Test
  void echoesTheGoClientsPacketsByteForByte() throws Exception {
    Server server = GoBenchServeCommand.start(Endpoint.parse(new String[] {"serve-gobench", "--port", "0"}, 1), 4096);
    InetSocketAddress address = (InetSocketAddress) server.localAddress();
    try (Socket s = new Socket(address.getAddress(), address.getPort())) {
      s.setSoTimeout(10_000);
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      DataInputStream in = new DataInputStream(s.getInputStream());
      byte[] payload = new byte[4096];
      new Random(13).nextBytes(payload);
      for (String id : new String[] {"123e4567-e89b-12d3-a456-426614174000", String.format(Locale.ROOT, "%36d", 7),
          "0".repeat(35) + "7"}) {
        byte[] packet = new byte[36 + payload.length];
        System.arraycopy(id.getBytes(StandardCharsets.US_ASCII), 0, packet, 0, 36);
        System.arraycopy(payload, 0, packet, 36, payload.length);
        out.writeInt(packet.length);
        out.write(packet);
        out.flush();
        byte[] echoed = new byte[in.readInt()];
        in.readFully(echoed);
        assertThat(echoed).as(id).isEqualTo(packet);
      }
    } finally {
      server.shutdownNow();
      server.closeFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void rejectsUnknownFlags() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = GoBenchServeCommand.run(new String[] {"serve-gobench", "--bogus"}, System.out,
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: listenrain serve-gobench");
  }
}
