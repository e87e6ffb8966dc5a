package io.listenrain.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.listenrain.testing.FaultProxy.Direction;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault proxy itself, between a plain-socket client and a plain-socket echo server. */
class FaultProxyTest {
  private ServerSocket echoServer;
  private Thread acceptor;
  private FaultProxy proxy;

  @BeforeEach
  void start() throws Exception {
    echoServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(() -> {
      while (!echoServer.isClosed()) {
        try {
          Socket s = echoServer.accept();
          Thread t = new Thread(() -> echo(s), "echo");
          t.setDaemon(true);
          t.start();
        } catch (IOException closed) {
          return;
        }
      }
    }, "echo-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
    proxy = FaultProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), echoServer.getLocalPort()));
  }

  private static void echo(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      byte[] buf = new byte[4096];
      int n;
      while ((n = in.read(buf)) != -1) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException ignored) {
      // peer reset: the test looks at its own side
    }
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    echoServer.close();
    acceptor.join(5000);
  }

  private Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(proxy.address(), 5000);
    s.setSoTimeout(5000);
    return s;
  }

  private static byte[] roundTrip(Socket s, byte[] data) throws IOException {
    s.getOutputStream().write(data);
    s.getOutputStream().flush();
    return s.getInputStream().readNBytes(data.length);
  }

  @Test
  void forwardsBytesBothWaysAlsoWhenSplitIntoSingleByteWrites() throws Exception {
    try (Socket s = connect()) {
      assertThat(roundTrip(s, "hello".getBytes(StandardCharsets.US_ASCII))).isEqualTo("hello".getBytes(StandardCharsets.US_ASCII));
      proxy.splitWrites(true);
      byte[] big = new byte[3000];
      for (int i = 0; i < big.length; i++) {
        big[i] = (byte) i;
      }
      assertThat(roundTrip(s, big)).isEqualTo(big);
    }
    assertThat(proxy.acceptedCount()).isEqualTo(1);
  }

  @Test
  void corruptionFlipsExactlyTheByteAtTheOffsetOnce() throws Exception {
    proxy.corrupt(Direction.TO_SERVER, 2, 0xff);
    try (Socket s = connect()) {
      assertThat(roundTrip(s, new byte[] {0, 0, 0, 0})).containsExactly(0, 0, 0xff, 0);
      assertThat(roundTrip(s, new byte[] {0, 0, 0, 0})).containsExactly(0, 0, 0, 0);
    }
  }

  @Test
  void blackholeDropsBytesButKeepsTheSocketOpen() throws Exception {
    try (Socket s = connect()) {
      proxy.blackhole(true);
      s.getOutputStream().write(1);
      s.setSoTimeout(300);
      assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
      proxy.blackhole(false);
      s.setSoTimeout(5000);
      assertThat(roundTrip(s, new byte[] {2})).containsExactly(2);
      assertThat(proxy.openLinks()).isEqualTo(1);
    }
  }

  @Test
  void resetAllResetsTheClientInsteadOfClosingIt() throws Exception {
    try (Socket s = connect()) {
      assertThat(roundTrip(s, new byte[] {1})).containsExactly(1);
      proxy.resetAll();
      assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketException.class)
          .hasMessageContaining("reset");
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> proxy.openLinks() == 0);
  }

  @Test
  void refusedUpstreamResetsNewClientsAndLeavesOthersAlone() throws Exception {
    try (Socket before = connect()) {
      assertThat(roundTrip(before, new byte[] {2})).containsExactly(2); // linked before the switch
      proxy.refuseUpstream(true);
      // The reset may even beat the end of the client's connect call.
      assertThatThrownBy(() -> {
        try (Socket refused = connect()) {
          int b = refused.getInputStream().read();
          throw new SocketException("read returned " + b);
        }
      }).isInstanceOf(SocketException.class).hasMessageContaining("reset");
      assertThat(roundTrip(before, new byte[] {3})).containsExactly(3);
    }
  }

  @Test
  void halfCloseTowardsTheClientSendsEndOfStream() throws Exception {
    try (Socket s = connect()) {
      assertThat(roundTrip(s, new byte[] {1})).containsExactly(1);
      proxy.halfClose(Direction.TO_CLIENT);
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void closeEndsEveryLink() throws Exception {
    try (Socket s = connect()) {
      assertThat(roundTrip(s, new byte[] {1})).containsExactly(1);
      proxy.close();
      int r;
      try {
        r = s.getInputStream().read();
      } catch (SocketException reset) {
        r = -1;
      }
      assertThat(r).isEqualTo(-1);
    }
  }
}
