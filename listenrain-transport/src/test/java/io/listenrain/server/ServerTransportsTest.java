package io.listenrain.server;

import static io.listenrain.testing.NativeFixtures.ANY_LOOPBACK;
import static io.listenrain.testing.NativeFixtures.bytesSpec;
import static io.listenrain.testing.NativeFixtures.echo;
import static io.listenrain.testing.NativeFixtures.message;
import static io.listenrain.testing.NativeFixtures.textOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.listenrain.client.Transport;
import io.listenrain.codec.BytesMessage;
import io.listenrain.config.ReconnectPolicy;
import io.listenrain.config.TransportKey;
import io.listenrain.errors.ConnectionClosedException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The native server against hostile or broken clients, written byte by byte on a plain socket. */
class ServerTransportsTest {

  /** Reads until the server closes; returns true if it did within the socket timeout. */
  private static boolean closedByServer(Socket s) throws IOException {
    s.setSoTimeout(5000);
    InputStream in = s.getInputStream();
    try {
      return in.read() == -1;
    } catch (SocketException reset) {
      return true;
    }
  }

  @Test
  void hugeDeclaredLengthClosesTheConnectionWithoutWaitingForTheBody() throws Exception {
    AtomicInteger routed = new AtomicInteger();
    Server server = ServerTransports.listen(ANY_LOOPBACK, bytesSpec().build(), (r, id, m) -> {
      routed.incrementAndGet();
      r.send(m);
    });
    try (Socket s = new Socket()) {
      s.connect(server.localAddress(), 5000);
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      out.writeInt(0x7fff_ffff); // 2 GiB declared, nothing follows
      out.flush();
      assertThat(closedByServer(s)).isTrue();
      assertThat(routed.get()).isZero();
    } finally {
      server.shutdownNow();
    }
  }

  @Test
  void packetTooShortForItsMsgIdIsDroppedAndTouchesNoOtherConnection() throws Exception {
    Server server = ServerTransports.listen(ANY_LOOPBACK, bytesSpec().build(), echo());
    Transport<BytesMessage> good = Transport.create(TransportKey.of("bytes", server.localAddress()),
        bytesSpec().build());
    try (Socket s = new Socket()) {
      assertThat(textOf(good.send(message(1, "before")).get(5, TimeUnit.SECONDS))).isEqualTo("before");
      s.connect(server.localAddress(), 5000);
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      out.writeInt(3); // a 3-byte packet cannot hold the 8-byte msgId: dropped, the framing is intact
      out.write(new byte[] {1, 2, 3});
      out.writeInt(8 + 1); // the next packet on that connection is served
      out.writeLong(9);
      out.write('z');
      out.flush();
      DataInputStream in = new DataInputStream(s.getInputStream());
      assertThat(in.readInt()).isEqualTo(9);
      assertThat(in.readLong()).isEqualTo(9);
      assertThat(in.read()).isEqualTo('z');
      assertThat(server.stats().badMsgIds()).isEqualTo(1);
      assertThat(textOf(good.send(message(2, "after")).get(5, TimeUnit.SECONDS))).isEqualTo("after");
      assertThat(good.stats().connects()).isEqualTo(1);
    } finally {
      good.shutdownNow();
      server.shutdownNow();
    }
  }

  @Test
  void closedServerRefusesNewConnectionsAndCompletes() throws Exception {
    Server server = ServerTransports.listen(ANY_LOOPBACK, bytesSpec().build(), echo());
    Transport<BytesMessage> client = Transport.create(TransportKey.of("bytes", server.localAddress()),
        bytesSpec().reconnectPolicy(ReconnectPolicy.of(Duration.ofMillis(1), Duration.ofMillis(1), 1, 0, 1))
            .build());
    try {
      assertThat(textOf(client.send(message(1, "x")).get(5, TimeUnit.SECONDS))).isEqualTo("x");
      server.close();
      server.closeFuture().get(5, TimeUnit.SECONDS);
      assertThat(server.connectionCount()).isZero();
      org.assertj.core.api.Assertions.assertThatThrownBy(
          () -> client.send(message(2, "y")).get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(ConnectionClosedException.class);
    } finally {
      client.shutdownNow();
    }
  }
}
