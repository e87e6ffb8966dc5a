package io.listenrain.client;

import static io.listenrain.testing.NativeFixtures.ANY_LOOPBACK;
import static io.listenrain.testing.NativeFixtures.bytesSpec;
import static io.listenrain.testing.NativeFixtures.echo;
import static io.listenrain.testing.NativeFixtures.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelGenerator;
import io.listenrain.channel.ChannelOptions;
import io.listenrain.channel.Dialer;
import io.listenrain.codec.BytesMessage;
import io.listenrain.config.ReconnectPolicy;
import io.listenrain.config.TransportKey;
import io.listenrain.errors.TransportException;
import io.listenrain.server.Server;
import io.listenrain.server.ServerTransports;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A server restarts under 200 clients, each its own transport calling every 10 ms: redials follow the reconnect
 * policy's backoff with jitter (no storm), every client recovers once the server is back, and closing all clients
 * while they are dialing does not deadlock.
 */
class ReconnectStormTest {
  private static final int CLIENTS = 200;
  private static final Duration INITIAL = Duration.ofMillis(100);
  private static final double JITTER = 0.2;

  /** One client, its dial times, and the driver's view of it. */
  private static final class Client {
    final Queue<Long> dials = new ConcurrentLinkedQueue<>();
    final AtomicBoolean busy = new AtomicBoolean();
    final AtomicBoolean recovered = new AtomicBoolean();
    volatile Transport<BytesMessage> transport;

    /** Dial times at or after {@code sinceNanos}. */
    List<Long> dialsSince(long sinceNanos) {
      List<Long> out = new ArrayList<>();
      for (long t : dials) {
        if (t - sinceNanos >= 0) {
          out.add(t);
        }
      }
      return out;
    }
  }

  private static ChannelGenerator recording(TransportKey key, Queue<Long> dials) {
    Dialer dialer = Dialer.builder().options(ChannelOptions.defaults()).maxAttempts(1)
        .endpoint(key.endpoints().get(0)).build();
    return new ChannelGenerator() {
      @Override
      public CompletableFuture<Channel> connect() {
        dials.add(System.nanoTime());
        return dialer.connect();
      }

      @Override
      public void close() {
        dialer.close();
      }
    };
  }

  @Test
  void twoHundredClientsBackOffWithJitterRecoverAfterARestartAndCloseWithoutDeadlock() throws Exception {
    Server server = ServerTransports.listen(ANY_LOOPBACK, bytesSpec().build(), echo());
    InetSocketAddress address = (InetSocketAddress) server.localAddress();
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      Client c = new Client();
      c.transport = Transport.create(TransportKey.of("bytes", address), bytesSpec()
          .reconnectPolicy(ReconnectPolicy.of(INITIAL, Duration.ofSeconds(1), 1.6, JITTER, Integer.MAX_VALUE))
          .channelGenerators(key -> recording(key, c.dials))
          .build());
      clients.add(c);
    }
    ScheduledExecutorService driver = Executors.newSingleThreadScheduledExecutor();
    AtomicLong ids = new AtomicLong();
    AtomicBoolean restarted = new AtomicBoolean();
    Server[] current = {server};
    try {
      driver.scheduleAtFixedRate(() -> {
        for (Client c : clients) {
          if (c.busy.compareAndSet(false, true)) {
            boolean afterRestart = restarted.get();
            try {
              c.transport.send(message(ids.incrementAndGet(), "ping"), Duration.ofSeconds(2)).whenComplete((m, e) -> {
                if (m != null) {
                  m.release();
                  if (afterRestart) {
                    c.recovered.set(true);
                  }
                }
                c.busy.set(false);
              });
            } catch (TransportException closed) {
              c.busy.set(false);
            }
          }
        }
      }, 0, 10, TimeUnit.MILLISECONDS);
      await().atMost(Duration.ofSeconds(20)).until(() -> clients.stream().allMatch(c -> c.dials.size() == 1
          && c.transport.stats().callsSucceeded() > 0));

      long killedAt = System.nanoTime();
      server.shutdownNow();
      server.closeFuture().get(5, TimeUnit.SECONDS);
      // Each client: one immediate redial (refused), then two more after backing off.
      await().atMost(Duration.ofSeconds(20)).until(() -> clients.stream().allMatch(c -> c.dialsSince(killedAt).size() >= 3));

      current[0] = ServerTransports.listen(address, bytesSpec().build(), echo());
      restarted.set(true);
      await().atMost(Duration.ofSeconds(20)).until(() -> clients.stream().allMatch(c -> c.recovered.get()));

      List<Long> secondRedials = new ArrayList<>();
      for (Client c : clients) {
        List<Long> d = c.dialsSince(killedAt);
        long expected = INITIAL.toNanos();
        for (int k = 1; k < 3; k++) {
          long gap = d.get(k) - d.get(k - 1);
          assertThat(gap).as("gap before redial %d", k).isGreaterThanOrEqualTo((long) (expected * (1 - JITTER)));
          expected = (long) (expected * 1.6);
        }
        secondRedials.add(d.get(1) - d.get(0));
        assertThat(c.transport.isTerminated()).isFalse();
      }
      Collections.sort(secondRedials);
      long spread = secondRedials.get(CLIENTS - 1) - secondRedials.get(0);
      int burst = maxInWindow(clients, killedAt, TimeUnit.MILLISECONDS.toNanos(5));
      System.out.printf(Locale.ROOT,
          "first backed-off redial after %d..%d ms (spread %d ms); at most %d redials in 5 ms%n",
          TimeUnit.NANOSECONDS.toMillis(secondRedials.get(0)),
          TimeUnit.NANOSECONDS.toMillis(secondRedials.get(CLIENTS - 1)), TimeUnit.NANOSECONDS.toMillis(spread), burst);
      assertThat(Duration.ofNanos(spread)).as("spread of the first backed-off redials").isGreaterThan(Duration.ofMillis(20));
      // No bound on the burst: dials happen on demand, so when the driver thread stalls (GC, a busy shared CPU) every
      // client whose backoff expired meanwhile dials on its next call, in one pass. The backoff guarantees the
      // earliest redial per client (checked above); ReconnectPolicyTest checks that the jitter fills its band.

      // Close every client from several threads while the driver keeps calling (and so dialing) on them.
      List<CompletableFuture<Void>> closed = new ArrayList<>();
      for (Client c : clients) {
        closed.add(CompletableFuture.supplyAsync(() -> c.transport.close()).thenCompose(f -> f));
      }
      CompletableFuture.allOf(closed.toArray(new CompletableFuture<?>[0])).get(20, TimeUnit.SECONDS);
      assertThat(clients).allMatch(c -> c.transport.isTerminated());
    } finally {
      driver.shutdownNow();
      driver.awaitTermination(5, TimeUnit.SECONDS);
      for (Client c : clients) {
        c.transport.shutdownNow();
      }
      current[0].shutdownNow();
      server.shutdownNow();
    }
  }

  /** The most second-or-later redials (those made after a backoff) that fell in any window of {@code width}. */
  private static int maxInWindow(List<Client> clients, long since, long width) {
    List<Long> times = new ArrayList<>();
    for (Client c : clients) {
      List<Long> d = c.dialsSince(since);
      times.addAll(d.subList(1, d.size()));
    }
    Collections.sort(times);
    int max = 0;
    int lo = 0;
    for (int hi = 0; hi < times.size(); hi++) {
      while (times.get(hi) - times.get(lo) > width) {
        lo++;
      }
      max = Math.max(max, hi - lo + 1);
    }
    return max;
  }
}
