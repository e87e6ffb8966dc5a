package io.listenrain.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Failover, backoff, fatal errors and closing of {@link Dialer}, over real loopback sockets and a fake clock. */
class DialerTest {
  private ChannelAcceptor live;
  private final List<Channel> accepted = new CopyOnWriteArrayList<>();
  private final List<SocketAddress> dialed = new CopyOnWriteArrayList<>();
  private final AtomicLong nanos = new AtomicLong();
  private final FakeScheduler scheduler = new FakeScheduler();

  /** Records each delay; runs tasks only when told to, so no test waits for real time. */
  static final class FakeScheduler implements Dialer.Scheduler {
    final List<Duration> delays = new CopyOnWriteArrayList<>();
    final List<FutureTask<Void>> tasks = new CopyOnWriteArrayList<>();
    boolean runImmediately = true;

    @Override
    public Future<?> schedule(Runnable task, Duration delay) {
      delays.add(delay);
      FutureTask<Void> f = new FutureTask<>(task, null);
      tasks.add(f);
      if (runImmediately) {
        f.run();
      }
      return f;
    }
  }

  /** An address nobody listens on: connections are refused at once. */
  static SocketAddress deadTcpAddress() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
    }
  }

  @BeforeEach
  void listen() throws Exception {
    live = Channels.listen(new InetSocketAddress("127.0.0.1", 0), ch -> {
      accepted.add(ch);
      ch.start(new RecordingChannelHandler());
    });
  }

  @AfterEach
  void close() {
    live.close();
    for (Channel ch : accepted) {
      ch.abort(null);
    }
  }

  private Dialer.Builder builder() {
    return Dialer.builder()
        .scheduler(scheduler)
        .ticker(nanos::get)
        .dialFunction(address -> {
          dialed.add(address);
          return Channels.dial(address);
        });
  }

  private static void discard(Channel ch) {
    ch.start(new RecordingChannelHandler());
    ch.abort(null);
  }

  @Test
  void failsOverFromADeadActiveEndpointToALiveStandby() throws Exception {
    SocketAddress dead = deadTcpAddress();
    try (Dialer dialer = builder().endpoint(dead).standbyEndpoint(live.localAddress()).build()) {
      Channel ch = dialer.connect().get(10, TimeUnit.SECONDS);
      assertThat(ch.remoteAddress()).isEqualTo(live.localAddress());
      assertThat(dialed).containsExactly(dead, live.localAddress());
      discard(ch);
    }
  }

  @Test
  void aFailedEndpointIsSkippedUntilItsPenaltyEndsThenPreferredAgain() throws Exception {
    SocketAddress dead = deadTcpAddress();
    BackoffPolicy backoff = BackoffPolicy.defaults().withJitter(0);
    try (Dialer dialer = builder().backoff(backoff).endpoint(dead).standbyEndpoint(live.localAddress()).build()) {
      discard(dialer.connect().get(10, TimeUnit.SECONDS));
      dialed.clear();
      discard(dialer.connect().get(10, TimeUnit.SECONDS));
      assertThat(dialed).as("the penalized active endpoint goes last").containsExactly(live.localAddress());
      dialed.clear();
      nanos.addAndGet(Duration.ofSeconds(1).toNanos()); // the first penalty is the initial backoff, 1 s
      discard(dialer.connect().get(10, TimeUnit.SECONDS));
      assertThat(dialed).as("after its penalty the active endpoint is tried first again")
          .containsExactly(dead, live.localAddress());
    }
    assertThat(scheduler.delays).isEmpty();
  }

  @Test
  void delaysBetweenAttemptsFollowTheBackoffPolicy() throws Exception {
    SocketAddress dead = deadTcpAddress();
    BackoffPolicy midJitter = BackoffPolicy.defaults().withRandom(() -> 0.5); // jitter factor exactly 1
    try (Dialer dialer = builder().backoff(midJitter).maxAttempts(4).endpoint(dead).build()) {
      assertThatThrownBy(() -> dialer.connect().get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause().isInstanceOfSatisfying(ConnectException.class, e -> assertThat(e.isRetryable()).isTrue());
    }
    assertThat(scheduler.delays).containsExactly(Duration.ofMillis(1000), Duration.ofMillis(1600),
        Duration.ofMillis(2560));
    assertThat(dialed).hasSize(4);
  }

  @Test
  void jitterSpreadsAndTheCapLimitsTheDelays() throws Exception {
    SocketAddress dead = deadTcpAddress();
    BackoffPolicy low = BackoffPolicy.defaults().withMaxDelay(Duration.ofSeconds(2)).withRandom(() -> 0.0);
    try (Dialer dialer = builder().backoff(low).maxAttempts(5).endpoint(dead).build()) {
      assertThatThrownBy(() -> dialer.connect().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    }
    // -20 % of 1 s, 1.6 s, then of the 2 s cap.
    assertThat(scheduler.delays).containsExactly(Duration.ofMillis(800), Duration.ofMillis(1280),
        Duration.ofMillis(1600), Duration.ofMillis(1600));
  }

  @Test
  void aFatalErrorFailsAtOnceWithoutTryingOtherEndpoints() throws Exception {
    SocketAddress unresolvable = InetSocketAddress.createUnresolved("no-such-host.invalid", 4242);
    try (Dialer dialer = builder().endpoint(unresolvable).standbyEndpoint(live.localAddress()).build()) {
      assertThatThrownBy(() -> dialer.connect().get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause().isInstanceOfSatisfying(ConnectException.class, e -> assertThat(e.isRetryable()).isFalse());
    }
    assertThat(dialed).containsExactly(unresolvable);
    assertThat(scheduler.delays).isEmpty();
  }

  @Test
  void closeFailsAPendingConnectAndStopsDialing() throws Exception {
    scheduler.runImmediately = false;
    SocketAddress dead = deadTcpAddress();
    Dialer dialer = builder().endpoint(dead).build();
    CompletableFuture<Channel> pending = dialer.connect();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.tasks.size() == 1);
    assertThat(pending).isNotDone();
    dialer.close();
    assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(ChannelClosedException.class);
    assertThat(scheduler.tasks.get(0).isCancelled()).isTrue();
    int dials = dialed.size();
    new ArrayList<>(scheduler.tasks).forEach(FutureTask::run); // even a timer that fires late dials nothing
    assertThatThrownBy(() -> dialer.connect().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(ChannelClosedException.class);
    assertThat(dialed).hasSize(dials);
  }

  @Test
  void aChannelThatArrivesAfterCloseIsClosedNotHandedOut() throws Exception {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    CompletableFuture<Channel> late = new CompletableFuture<>();
    Dialer dialer = Dialer.builder().scheduler(scheduler).endpoint(live.localAddress())
        .dialFunction(address -> gate.thenCompose(x -> Channels.dial(address)).thenApply(ch -> {
          late.complete(ch);
          return ch;
        }))
        .build();
    CompletableFuture<Channel> pending = dialer.connect();
    dialer.close();
    gate.complete(null);
    assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(ChannelClosedException.class);
    Channel ch = late.get(10, TimeUnit.SECONDS);
    ch.closeFuture().get(10, TimeUnit.SECONDS);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void aBuilderWithoutEndpointsIsRejected() {
    assertThatThrownBy(() -> Dialer.builder().build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Dialer.builder().maxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
