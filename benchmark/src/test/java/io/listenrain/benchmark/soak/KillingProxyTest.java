package io.listenrain.benchmark.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KillingProxyTest {
  private ServerSocket upstream;
  private Thread echo;

  @BeforeEach
  void startEcho() throws IOException {
    upstream = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    echo = new Thread(() -> {
      while (!upstream.isClosed()) {
        try {
          Socket s = upstream.accept();
          Thread t = new Thread(() -> {
            try (s) {
              s.getInputStream().transferTo(s.getOutputStream());
            } catch (IOException e) {
              // reset by the proxy
            }
          });
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    });
    echo.setDaemon(true);
    echo.start();
  }

  @AfterEach
  void stopEcho() throws Exception {
    upstream.close();
    echo.join(5_000);
  }

  private static int roundTrip(Socket s, int b) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(b);
    out.flush();
    return s.getInputStream().read();
  }

  @Test
  void forwardsBothWaysAndAKilledConnectionIsResetWhileNewOnesStillPass() throws Exception {
    try (KillingProxy proxy = new KillingProxy((InetSocketAddress) upstream.getLocalSocketAddress());
        Socket victim = new Socket()) {
      victim.connect(proxy.address(), 5_000);
      victim.setSoTimeout(5_000);
      assertThat(roundTrip(victim, 42)).isEqualTo(42);
      await().atMost(Duration.ofSeconds(5)).until(() -> proxy.liveLinks() == 1);

      assertThat(proxy.killOldest()).isTrue();
      assertThat(proxy.kills()).isEqualTo(1);
      boolean closed;
      try {
        InputStream in = victim.getInputStream();
        closed = in.read() < 0;
      } catch (SocketException reset) {
        closed = true;
      }
      assertThat(closed).as("the client sees the connection end").isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> proxy.liveLinks() == 0);

      try (Socket next = new Socket()) {
        next.connect(proxy.address(), 5_000);
        next.setSoTimeout(5_000);
        assertThat(roundTrip(next, 7)).isEqualTo(7);
      }
    }
  }

  @Test
  void killingWithNoConnectionOpenReportsNone() throws Exception {
    try (KillingProxy proxy = new KillingProxy((InetSocketAddress) upstream.getLocalSocketAddress())) {
      assertThat(proxy.killOldest()).isFalse();
      assertThat(proxy.kills()).isZero();
    }
  }
}
