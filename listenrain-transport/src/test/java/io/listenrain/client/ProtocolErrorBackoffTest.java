package io.listenrain.client;

import static io.listenrain.testing.NativeFixtures.bytesSpec;
import static io.listenrain.testing.NativeFixtures.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.listenrain.codec.BytesMessage;
import io.listenrain.config.ReconnectPolicy;
import io.listenrain.config.TransportKey;
import io.listenrain.errors.ConnectionClosedException;
import io.listenrain.errors.TransportException;
import io.listenrain.timer.FakeTicker;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, finding 4: a caller that retries at once against a server whose every answer is garbage. Each connect
 * succeeds and the connection then dies of a protocol error; without backoff the client redialed at the call rate
 * (12,697 connects in 12 s). A connection that dies of a protocol error sooner than the next reconnect delay now backs
 * off like one the peer dropped on arrival. The clock is a fake ticker that never advances, so after the first death
 * the transport must stay in backoff for every retry that follows.
 */
class ProtocolErrorBackoffTest {
  private static final int RETRIES = 50;

  private ServerSocket listener;
  private final AtomicInteger accepted = new AtomicInteger();
  private Thread acceptor;

  /** A real server: accepts, reads one length-prefixed request, answers with a frame declaring 2 GiB - 1 bytes. */
  @BeforeEach
  void startGarbageServer() throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(() -> {
      while (!listener.isClosed()) {
        try {
          Socket s = listener.accept();
          accepted.incrementAndGet();
          Thread t = new Thread(() -> answerGarbage(s), "garbage-peer");
          t.setDaemon(true);
          t.start();
        } catch (IOException closed) {
          return;
        }
      }
    }, "garbage-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private static void answerGarbage(Socket s) {
    try (s) {
      DataInputStream in = new DataInputStream(s.getInputStream());
      in.readFully(new byte[in.readInt()]);
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      out.writeInt(Integer.MAX_VALUE);
      out.write(new byte[] {1, 2, 3});
      out.flush();
      while (in.read() >= 0) {
        // until the client closes
      }
    } catch (IOException e) {
      // the client reset the connection
    }
  }

  @AfterEach
  void stop() throws Exception {
    listener.close();
    acceptor.join(5000);
  }

  @Test
  void connectionsDyingOfAProtocolErrorRightAfterConnectingBackOff() throws Exception {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    FakeTicker ticker = new FakeTicker();
    Transport<BytesMessage> client = Transport.create(TransportKey.of("bytes", address), bytesSpec()
        .ticker(ticker)
        .reconnectPolicy(ReconnectPolicy.of(Duration.ofSeconds(1), Duration.ofSeconds(10), 2, 0, Integer.MAX_VALUE))
        .build());
    try {
      int failed = 0;
      for (int i = 0; i < RETRIES; i++) {
        CompletableFuture<BytesMessage> call;
        try {
          call = client.send(message(i, "ping"), Duration.ofSeconds(30));
        } catch (TransportException rejected) {
          failed++;
          continue;
        }
        try {
          call.get(10, TimeUnit.SECONDS).release();
        } catch (ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(ConnectionClosedException.class);
          failed++;
        } catch (TimeoutException e) {
          throw new AssertionError("call " + i + " neither answered nor failed", e);
        }
      }
      System.out.printf(Locale.ROOT, "%d retries against a garbage server: %d connects%n", RETRIES, accepted.get());
      assertThat(failed).isEqualTo(RETRIES);
      assertThat(client.stats().connects()).as("connects made").isEqualTo(1);
      assertThat(accepted.get()).as("connections the server accepted").isEqualTo(1);
    } finally {
      client.shutdownNow();
    }
  }
}
