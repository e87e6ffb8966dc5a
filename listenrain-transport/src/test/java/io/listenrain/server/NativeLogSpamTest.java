package io.listenrain.server;

import static io.listenrain.testing.NativeFixtures.ANY_LOOPBACK;
import static io.listenrain.testing.NativeFixtures.bytesSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.listenrain.codec.BytesMessage;
import java.io.DataOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, finding 8: 200 native clients each send a valid request and a 0-length packet beside it, then disconnect
 * before their answer. Every one of those events is caused by the peer, so the server writes at most one line per
 * kind of event per second (PeerEventLog), never a stack trace above FINE: a handful of lines, not ~2,200.
 */
class NativeLogSpamTest {
  private static final int CLIENTS = 200;

  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      records.add(r);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private Logger root;

  @BeforeEach
  void captureLogs() {
    root = Logger.getLogger("");
    capture.setLevel(Level.ALL);
    root.addHandler(capture);
  }

  @AfterEach
  void release() {
    root.removeHandler(capture);
  }

  @Test
  void twoHundredClientsLeavingBeforeTheirAnswerAfterAnEmptyPacketWriteAHandfulOfLines() throws Exception {
    CountDownLatch allGone = new CountDownLatch(1);
    ExecutorService routers = Executors.newCachedThreadPool();
    Server server = ServerTransports.listen(ANY_LOOPBACK, bytesSpec().executor(routers).build(),
        (response, msgId, message) -> {
          try {
            allGone.await(20, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          response.send(message); // the client has gone: this throws
        });
    InetSocketAddress address = (InetSocketAddress) server.localAddress();
    try {
      for (int i = 0; i < CLIENTS; i++) {
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
          DataOutputStream out = new DataOutputStream(s.getOutputStream());
          out.writeInt(8 + 2);
          out.writeLong(i);
          out.write(new byte[] {'h', 'i'});
          out.writeInt(0); // an empty packet beside the request
          out.flush();
        }
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> server.stats().requests() == CLIENTS
          && server.connectionCount() == 0);
      allGone.countDown();
      routers.shutdown();
      assertThat(routers.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
    } finally {
      allGone.countDown();
      server.shutdownNow();
      server.closeFuture().get(10, TimeUnit.SECONDS);
    }
    long lines = records.stream().filter(r -> r.getLevel().intValue() >= Level.INFO.intValue()).count();
    long traces = records.stream()
        .filter(r -> r.getLevel().intValue() > Level.FINE.intValue() && r.getThrown() != null).count();
    records.stream().filter(r -> r.getLevel().intValue() >= Level.INFO.intValue())
        .forEach(r -> System.out.println("logged: " + r.getLevel() + " " + r.getMessage()));
    System.out.printf(Locale.ROOT,
        "%d clients: %d lines at INFO or above, %d with a stack trace%n", CLIENTS, lines, traces);
    assertThat(traces).as("records above FINE carrying a stack trace").isZero();
    assertThat(lines).as("lines at INFO or above").isLessThanOrEqualTo(6);
  }

}
