package io.listenrain.benchmark.soak;

import io.grpc.ManagedChannel;
import io.listenrain.client.Transport;
import io.listenrain.codec.BytesMessage;
import io.listenrain.codec.RawBytesMessageCodec;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.config.TransportKey;
import io.listenrain.grpc.ListenRainChannelBuilder;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The soak command: {@code soak [flags]} (see {@link SoakOptions#USAGE}). In one JVM, a ListenRain-gRPC server and
 * a native ListenRain server, each behind a {@link KillingProxy}; {@code --clients} gRPC channels driving unary and
 * server-streaming calls and as many native transports driving native calls, all at once; every
 * {@code --restart-every} both servers are restarted on their ports, and half a period later one live gRPC and one
 * native connection are reset. A progress line every {@code --report-every}, a summary at the end.
 *
 * <p>Exit status 0 only when no call was lost, duplicated, misrouted or ended late, every failure was retryable, and
 * heap after GC, file descriptors and threads grew within {@link ResourceTrend}'s bounds from the first to the last
 * minute; 1 otherwise; 2 on a usage error.
 */
public final class SoakMain {
  /** A call with no ending this long after its deadline is lost. */
  static final long LOST_SLACK_NANOS = TimeUnit.SECONDS.toNanos(5);
  /** Threads of each of the gRPC server's and clients' fixed executors. */
  static final int GRPC_THREADS = 4;

  private SoakMain() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(Arrays.asList(args), System.out, System.err));
  }

  static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    List<String> rest = !args.isEmpty() && args.get(0).equals("soak") ? args.subList(1, args.size()) : args;
    if (rest.contains("--help") || rest.contains("-h")) {
      out.println(SoakOptions.USAGE);
      return 0;
    }
    SoakOptions o;
    try {
      o = SoakOptions.parse(rest);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(SoakOptions.USAGE);
      return 2;
    }
    return new SoakMain.Run(o, out).call();
  }

  /** One soak run: owns every server, proxy, client and thread it starts, and closes them all. */
  private static final class Run {
    private final SoakOptions o;
    private final PrintStream out;
    private final long start = System.nanoTime();
    private final CallLedger ledger;
    private final ResourceTrend trend = new ResourceTrend();
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "soak-ticks"));
    private final ScheduledExecutorService chaos = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "soak-chaos"));
    private final ScheduledExecutorService pauses = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "soak-pauses"));
    // Fixed pools for gRPC's calls and callbacks, as grpc-java advises for production: its default executor is an
    // unbounded cached pool whose size follows the load, which would hide a thread leak of the transport under noise.
    private final ExecutorService grpcServerExecutor = Executors.newFixedThreadPool(GRPC_THREADS,
        r -> daemon(r, "soak-grpc-server"));
    private final ExecutorService grpcClientExecutor = Executors.newFixedThreadPool(GRPC_THREADS,
        r -> daemon(r, "soak-grpc-client"));
    private final List<ClosedLoopDriver> drivers = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<Transport<BytesMessage>> transports = new ArrayList<>();
    private volatile CallLedger.Snapshot lastSnapshot;
    private volatile long lastReportNanos;
    private volatile Throwable chaosFailure;

    Run(SoakOptions o, PrintStream out) {
      this.o = o;
      this.out = out;
      this.ledger = new CallLedger(System::nanoTime, o.callTimeout.toNanos() + LOST_SLACK_NANOS);
    }

    private static Thread daemon(Runnable r, String name) {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    }

    int call() throws Exception {
      out.printf(Locale.ROOT,
          "soak: %s, restart every %s, kill every %s, %d clients of each kind, window %d, payload %d B,"
          + " %d messages per stream, call timeout %s; %d CPUs, %s%n", o.duration, o.restartEvery, o.killEvery,
          o.clients, o.window, o.payload, o.streamMessages, o.callTimeout,
          Runtime.getRuntime().availableProcessors(), Runtime.version());
      try (SoakServers servers = new SoakServers(grpcServerExecutor);
          KillingProxy grpcProxy = new KillingProxy(servers.grpcAddress());
          KillingProxy nativeProxy = new KillingProxy(servers.nativeAddress())) {
        startClients(grpcProxy, nativeProxy);
        lastSnapshot = ledger.snapshot();
        lastReportNanos = System.nanoTime();
        trend.add(ResourceSample.take(0));
        long report = o.reportEvery.toNanos();
        ticks.scheduleAtFixedRate(ledger::sweep, 1, 1, TimeUnit.SECONDS);
        ticks.scheduleAtFixedRate(this::report, report, report, TimeUnit.NANOSECONDS);
        scheduleChaos(servers, grpcProxy, nativeProxy);
        drivers.forEach(ClosedLoopDriver::start);

        ticks.schedule(() -> { }, o.duration.toNanos(), TimeUnit.NANOSECONDS).get();
        chaos.shutdownNow();
        chaos.awaitTermination(SoakServers.GRACE_SECONDS * 3, TimeUnit.SECONDS);
        for (ClosedLoopDriver d : drivers) {
          d.stop();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        awaitQuiet();
        ticks.shutdownNow();
        ticks.awaitTermination(5, TimeUnit.SECONDS);
        ledger.sweep();
        trend.add(ResourceSample.take(System.nanoTime() - start));
        CallLedger.Snapshot s = ledger.snapshot();
        ResourceTrend.Growth g = trend.growth();
        boolean pass = s.clean() && g.withinBounds() && chaosFailure == null;
        if (chaosFailure != null) {
          out.println("a restart or kill failed: " + chaosFailure);
        }
        SoakReport.summary(out, s, g, seconds, servers.restarts(), grpcProxy.kills() + nativeProxy.kills(), pass);
        return pass ? 0 : 1;
      } finally {
        closeClients();
        grpcServerExecutor.shutdownNow();
        grpcClientExecutor.shutdownNow();
        pauses.shutdownNow();
        ticks.shutdownNow();
        chaos.shutdownNow();
      }
    }

    private void startClients(KillingProxy grpcProxy, KillingProxy nativeProxy) {
      ProtocolSpec<BytesMessage> spec = ProtocolSpec.builder(SoakServers.NATIVE_PROTOCOL, RawBytesMessageCodec.instance())
          .defaultTimeout(o.callTimeout)
          .build();
      TransportKey key = TransportKey.of(SoakServers.NATIVE_PROTOCOL, nativeProxy.address());
      int streamWindow = Math.max(1, o.window / 8);
      for (int i = 0; i < o.clients; i++) {
        ManagedChannel ch = ListenRainChannelBuilder.forAddress("127.0.0.1", grpcProxy.address().getPort())
            .usePlaintext().executor(grpcClientExecutor).build();
        channels.add(ch);
        GrpcLoad g = new GrpcLoad(ch, ledger, o.payload, o.streamMessages, o.callTimeout);
        drivers.add(new ClosedLoopDriver("soak-grpc-unary-" + i, o.window, g::unary, pauses));
        drivers.add(new ClosedLoopDriver("soak-grpc-stream-" + i, streamWindow, g::serverStream, pauses));
        Transport<BytesMessage> t = Transport.create(key, spec);
        transports.add(t);
        NativeLoad n = new NativeLoad(t, ledger, o.payload, o.callTimeout);
        drivers.add(new ClosedLoopDriver("soak-native-" + i, o.window, n::call, pauses));
      }
    }

    private void scheduleChaos(SoakServers servers, KillingProxy grpcProxy, KillingProxy nativeProxy) {
      if (!o.restartEvery.isZero()) {
        long every = o.restartEvery.toNanos();
        chaos.scheduleAtFixedRate(() -> {
          try {
            servers.restart();
            out.printf(Locale.ROOT, "[%5ds] restarted both servers%n", elapsedSeconds());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (Exception | Error e) {
            chaosFailure = e;
            out.println("restart failed: " + e);
          }
        }, every, every, TimeUnit.NANOSECONDS);
      }
      if (!o.killEvery.isZero()) {
        long every = o.killEvery.toNanos();
        chaos.scheduleAtFixedRate(() -> {
          boolean g = grpcProxy.killOldest();
          boolean n = nativeProxy.killOldest();
          out.printf(Locale.ROOT, "[%5ds] reset a live connection: gRPC %s, native %s%n", elapsedSeconds(),
              g ? "yes" : "none open", n ? "yes" : "none open");
        }, every / 2, every, TimeUnit.NANOSECONDS);
      }
    }

    private long elapsedSeconds() {
      return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    }

    private void report() {
      long now = System.nanoTime();
      CallLedger.Snapshot s = ledger.snapshot();
      ResourceSample r = ResourceSample.take(now - start);
      trend.add(r);
      double seconds = Math.max(1e-3, (now - lastReportNanos) / 1e9);
      out.println(SoakReport.progress(r, s, lastSnapshot, seconds, restartsSoFar(), killsSoFar()));
      lastSnapshot = s;
      lastReportNanos = now;
    }

    // Progress lines read these without the servers' objects; counted from the schedule instead.
    private long restartsSoFar() {
      return o.restartEvery.isZero() ? 0 : (System.nanoTime() - start) / o.restartEvery.toNanos();
    }

    private long killsSoFar() {
      long every = o.killEvery.toNanos();
      long t = System.nanoTime() - start;
      return every == 0 || t < every / 2 ? 0 : 1 + (t - every / 2) / every;
    }

    /** Waits until every call in flight has ended or been counted lost. */
    private void awaitQuiet() throws InterruptedException {
      long deadline = System.nanoTime() + o.callTimeout.toNanos() + LOST_SLACK_NANOS + TimeUnit.SECONDS.toNanos(2);
      while (ledger.inFlight() > 0 && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(50); // polling a counter at the end of the run, not synchronising a test
      }
    }

    private void closeClients() throws InterruptedException {
      for (ManagedChannel ch : channels) {
        ch.shutdownNow();
      }
      for (Transport<BytesMessage> t : transports) {
        t.shutdownNow();
      }
      for (ManagedChannel ch : channels) {
        ch.awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
