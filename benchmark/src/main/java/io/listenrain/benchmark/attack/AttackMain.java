package io.listenrain.benchmark.attack;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import com.google.protobuf.ByteString;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the same hostile gRPC client against a grpc-netty server and a ListenRain server, each in its own process with
 * default settings, while a well-behaved client on its own connection keeps calling; prints one Markdown row per
 * attack and server. The attacks are the ones a stock grpc-java client can mount through the API alone, so the
 * attacker's code is identical for both servers and only the channel builder differs (attacks that need a raw wire
 * are in grpc-bridge's tests and have no grpc-netty counterpart here):
 * <ul>
 *   <li>{@code non-reader}: unary calls asking for 1 MiB answers whose responses the client never requests, on a
 *       64 KiB window (the server queues the answers behind closed windows);
 *   <li>{@code open-streams}: client-streaming calls started and never ended, without a deadline;
 *   <li>{@code rapid-reset}: calls started and cancelled at once;
 *   <li>{@code short-deadlines}: calls with a 1 ms deadline, so that the server resets each one itself;
 *   <li>{@code big-metadata}: calls carrying 64 KiB of metadata in 2,048 entries, eight times the servers' limit.
 * </ul>
 * Not a unit test (it forks a server JVM and runs for minutes): {@code ./listenrain attack}.
 */
public final class AttackMain {
  private static final int MIB = 1 << 20;

  private AttackMain() {}

  public static void main(String[] args) throws Exception {
    List<String> attacks = List.of("non-reader", "open-streams", "rapid-reset", "short-deadlines", "big-metadata");
    List<String> servers = List.of("netty", "listenrain");
    String heap = "1g";
    int scale = 1;
    for (int i = args.length > 0 && args[0].equals("attack") ? 1 : 0; i < args.length; i++) {
      switch (args[i]) {
        case "--attacks" -> attacks = Arrays.asList(args[++i].split(","));
        case "--servers" -> servers = Arrays.asList(args[++i].split(","));
        case "--server-heap" -> heap = args[++i];
        case "--scale" -> scale = Integer.parseInt(args[++i]);
        case "--help", "-h" -> {
          System.out.println("usage: ./listenrain attack [--attacks non-reader,open-streams,rapid-reset]"
              + " [--servers netty,listenrain] [--server-heap 1g] [--scale 1]");
          return;
        }
        default -> throw new IllegalArgumentException("unknown option: " + args[i] + " (try --help)");
      }
    }
    System.out.println("| attack | server | server held while attacked (heap + direct, RSS) | handlers started / "
        + "still open | attacker's calls ended | canary calls ok / failed, p50 / p99 ms | held 5 s after the attacker "
        + "left | server log lines |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (String attack : attacks) {
      for (String server : servers) {
        System.out.println(run(attack, server, heap, scale));
      }
    }
  }

  private static String run(String attack, String serverKind, String heap, int scale) throws Exception {
    try (ServerProcess server = ServerProcess.start(serverKind, heap)) {
      ManagedChannel canaryChannel = channel(serverKind, server.port, false);
      ManagedChannel attacker = channel(serverKind, server.port, true);
      Canary canary = new Canary(canaryChannel);
      Thread canaryThread = new Thread(canary, "canary");
      try {
        echo(canaryChannel, 16); // warm both connections before the baseline
        echo(attacker, 16);
        ServerReading before = server.read();
        canaryThread.start();
        Map<String, AtomicLong> ended = new ConcurrentHashMap<>();
        int calls = switch (attack) {
          case "non-reader" -> nonReader(attacker, 300 * scale, ended);
          case "open-streams" -> openStreams(attacker, 20_000 * scale, ended);
          case "rapid-reset" -> rapidReset(attacker, 20_000 * scale, ended);
          case "short-deadlines" -> shortDeadlines(attacker, 20_000 * scale, ended);
          case "big-metadata" -> bigMetadata(attacker, 2_000 * scale, ended);
          default -> throw new IllegalArgumentException("unknown attack: " + attack);
        };
        // A non-reader is watched until its calls end or 35 s pass (longer than a response budget's 30 s deadline).
        boolean watchEnds = attack.equals("non-reader");
        ServerReading during = server.settle(r -> r.callsStarted() - before.callsStarted() >= calls
            && (!watchEnds || total(ended) >= calls), watchEnds ? 35 : 20);
        String attackerOutcome = outcome(ended);
        attacker.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        long left = System.nanoTime();
        ServerReading after = server.settle(r -> r.callsActive() <= before.callsActive(), 10);
        long wait = TimeUnit.SECONDS.toNanos(5) - (System.nanoTime() - left);
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait); // a fixed interval after disconnect: the same for both servers
        }
        after = server.read();
        canary.stop();
        canaryThread.join(10_000);
        return String.format(Locale.ROOT,
            "| %s | %s | %+.0f MiB (RSS %.0f MiB) | %d / %d | %s | %s | %+.0f MiB (RSS %.0f MiB) | %d |",
            attack, serverKind, (during.heldBytes() - before.heldBytes()) / (double) MIB,
            during.rssBytes() / (double) MIB,
            during.callsStarted() - before.callsStarted(), during.callsActive() - before.callsActive(),
            attackerOutcome, canary.summary(), (after.heldBytes() - before.heldBytes()) / (double) MIB,
            after.rssBytes() / (double) MIB, server.logLines());
      } finally {
        canary.stop();
        attacker.shutdownNow();
        canaryChannel.shutdownNow();
        canaryChannel.awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static ManagedChannel channel(String kind, int port, boolean tinyWindow) {
    ManagedChannelBuilder<?> b;
    if (kind.equals("netty")) {
      NettyChannelBuilder n = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext();
      b = tinyWindow ? n.flowControlWindow(64 * 1024) : n;
    } else {
      ListenRainChannelBuilder l = ListenRainChannelBuilder.forAddress("127.0.0.1", port).usePlaintext();
      b = tinyWindow ? l.flowControlWindow(64 * 1024) : l;
    }
    if (tinyWindow) {
      Metadata mark = new Metadata();
      mark.put(AttackServerMain.ATTACKER, "1");
      b.intercept(MetadataUtils.newAttachHeadersInterceptor(mark));
    }
    return b.maxInboundMessageSize(16 * MIB).build();
  }

  private static EchoResponse echo(ManagedChannel ch, int bytes) {
    return ClientCalls.blockingUnaryCall(ch, EchoServiceGrpc.getEchoMethod(),
        CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS),
        EchoRequest.newBuilder().setPayload(ByteString.copyFrom(new byte[bytes])).build());
  }

  /** Starts {@code n} unary calls for 1 MiB answers and never requests their responses. */
  private static int nonReader(ManagedChannel ch, int n, Map<String, AtomicLong> ended) {
    EchoRequest ask = EchoRequest.newBuilder().setResponseSize(MIB).build();
    for (int i = 0; i < n; i++) {
      ClientCall<EchoRequest, EchoResponse> call = ch.newCall(EchoServiceGrpc.getEchoMethod(), CallOptions.DEFAULT);
      call.start(recorder(ended), new Metadata());
      call.sendMessage(ask);
      call.halfClose();
    }
    return n;
  }

  /** Starts {@code n} client-streaming calls that never send, never end and have no deadline. */
  private static int openStreams(ManagedChannel ch, int n, Map<String, AtomicLong> ended) {
    for (int i = 0; i < n; i++) {
      ClientCall<EchoRequest, EchoResponse> call =
          ch.newCall(EchoServiceGrpc.getClientStreamMethod(), CallOptions.DEFAULT);
      call.start(recorder(ended), new Metadata());
      call.request(1);
    }
    return n;
  }

  /** Starts {@code n} unary calls and cancels each at once; then one ordinary call on the same channel. */
  private static int rapidReset(ManagedChannel ch, int n, Map<String, AtomicLong> ended) {
    EchoRequest ask = EchoRequest.newBuilder().setPayload(ByteString.copyFrom(new byte[16])).build();
    for (int i = 0; i < n; i++) {
      ClientCall<EchoRequest, EchoResponse> call = ch.newCall(EchoServiceGrpc.getEchoMethod(), CallOptions.DEFAULT);
      call.start(new ClientCall.Listener<>() {}, new Metadata());
      call.sendMessage(ask);
      call.halfClose();
      call.cancel("rapid reset", null);
    }
    try {
      echo(ch, 16);
      ended.computeIfAbsent("next call OK", k -> new AtomicLong()).incrementAndGet();
    } catch (RuntimeException e) {
      ended.computeIfAbsent("next call " + Status.fromThrowable(e).getCode(), k -> new AtomicLong()).incrementAndGet();
    }
    return 0; // cancelled calls may never reach a handler: settle on time alone
  }

  /** Starts {@code n} unary calls with a 1 ms deadline each; the server's deadline fires and resets them. */
  private static int shortDeadlines(ManagedChannel ch, int n, Map<String, AtomicLong> ended) {
    EchoRequest ask = EchoRequest.newBuilder().setPayload(ByteString.copyFrom(new byte[16])).build();
    for (int i = 0; i < n; i++) {
      ClientCall<EchoRequest, EchoResponse> call = ch.newCall(EchoServiceGrpc.getClientStreamMethod(),
          CallOptions.DEFAULT.withDeadlineAfter(1, TimeUnit.MILLISECONDS));
      call.start(recorder(ended), new Metadata());
      call.request(1);
      call.sendMessage(ask); // no half-close: the call waits for its deadline
    }
    return 0; // calls may expire on the client before they reach a handler: settle on time alone
  }

  /** Sends {@code n} calls whose metadata is 2,048 entries of 32 bytes (64 KiB); both servers allow 8 KiB. */
  private static int bigMetadata(ManagedChannel ch, int n, Map<String, AtomicLong> ended) {
    Metadata big = new Metadata();
    for (int i = 0; i < 2048; i++) {
      big.put(Metadata.Key.of(String.format(Locale.ROOT, "x-%05d", i), Metadata.ASCII_STRING_MARSHALLER),
          "0123456789abcdef0123456");
    }
    EchoRequest ask = EchoRequest.newBuilder().setPayload(ByteString.copyFrom(new byte[16])).build();
    for (int i = 0; i < n; i++) {
      ClientCall<EchoRequest, EchoResponse> call = ch.newCall(EchoServiceGrpc.getEchoMethod(), CallOptions.DEFAULT);
      Metadata md = new Metadata();
      md.merge(big);
      call.start(recorder(ended), md);
      call.request(1);
      call.sendMessage(ask);
      call.halfClose();
    }
    return 0;
  }

  private static <R> ClientCall.Listener<R> recorder(Map<String, AtomicLong> ended) {
    return new ClientCall.Listener<>() {
      @Override
      public void onClose(Status status, Metadata trailers) {
        ended.computeIfAbsent(status.getCode().toString(), k -> new AtomicLong()).incrementAndGet();
      }
    };
  }

  private static long total(Map<String, AtomicLong> ended) {
    return ended.values().stream().mapToLong(AtomicLong::get).sum();
  }

  private static String outcome(Map<String, AtomicLong> ended) {
    if (ended.isEmpty()) {
      return "none (held open)";
    }
    StringBuilder s = new StringBuilder();
    new TreeMap<>(ended).forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(v.get()).append(' ').append(k));
    return s.toString();
  }

  /** A well-behaved client on its own connection: 1 KiB unary calls back to back, each with a 5 s deadline. */
  private static final class Canary implements Runnable {
    private final ManagedChannel ch;
    private final List<Long> latencies = new ArrayList<>();
    private final Map<String, AtomicLong> failures = new TreeMap<>();
    private volatile boolean stopped;

    Canary(ManagedChannel ch) {
      this.ch = ch;
    }

    @Override
    public void run() {
      while (!stopped) {
        long t0 = System.nanoTime();
        try {
          echo(ch, 1024);
          synchronized (this) {
            latencies.add(System.nanoTime() - t0);
          }
        } catch (RuntimeException e) {
          synchronized (this) {
            failures.computeIfAbsent(Status.fromThrowable(e).getCode().toString(), k -> new AtomicLong())
                .incrementAndGet();
          }
        }
      }
    }

    void stop() {
      stopped = true;
    }

    synchronized String summary() {
      long[] l = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      String p = l.length == 0 ? "-" : String.format(Locale.ROOT, "%.1f / %.1f", l[l.length / 2] / 1e6,
          l[Math.min(l.length - 1, (int) (l.length * 0.99))] / 1e6);
      return l.length + " / " + (failures.isEmpty() ? "0" : failures.toString()) + ", " + p;
    }
  }

  /** The server JVM, driven through its stdin (see {@link AttackServerMain}). */
  private static final class ServerProcess implements AutoCloseable {
    final Process process;
    final BufferedReader out;
    final Writer in;
    final int port;
    final Path log;

    private ServerProcess(Process process, Path log) throws IOException {
      this.process = process;
      this.log = log;
      this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      String first = out.readLine();
      if (first == null || !first.startsWith("PORT ")) {
        process.destroyForcibly();
        throw new IOException("the server process did not start: " + first);
      }
      this.port = Integer.parseInt(first.substring(5).trim());
    }

    static ServerProcess start(String kind, String heap) throws IOException {
      String java = ProcessHandle.current().info().command().orElse("java");
      List<String> cmd = List.of(java, "-Xmx" + heap, "-XX:MaxDirectMemorySize=" + heap,
          "-cp", System.getProperty("java.class.path"), AttackServerMain.class.getName(), kind);
      Path log = Files.createTempFile("attack-server-" + kind + "-", ".log");
      return new ServerProcess(new ProcessBuilder(cmd).redirectError(log.toFile()).start(), log);
    }

    /** Lines the server process has logged so far (its stderr, where java.util.logging and Netty write). */
    long logLines() throws IOException {
      try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
        return lines.count();
      }
    }

    ServerReading read() throws IOException {
      in.write("mem\n");
      in.flush();
      String line = out.readLine();
      if (line == null) {
        throw new IOException("the server process ended (exit " + process.exitValue() + ")");
      }
      return ServerReading.parse(line);
    }

    /**
     * Reads every 500 ms until {@code done} holds and two readings in a row agree within 2 % (the server has
     * settled), or {@code seconds} pass; returns the last reading.
     */
    ServerReading settle(java.util.function.Predicate<ServerReading> done, int seconds) throws Exception {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      ServerReading last = read();
      while (System.nanoTime() < end) {
        TimeUnit.MILLISECONDS.sleep(500);
        ServerReading r = read();
        boolean steady = Math.abs(r.heldBytes() - last.heldBytes()) <= 0.02 * Math.max(1, last.heldBytes());
        last = r;
        if (done.test(r) && steady) {
          break;
        }
      }
      return last;
    }

    @Override
    public void close() throws IOException {
      try {
        in.write("quit\n");
        in.flush();
      } catch (IOException ignored) {
        // already gone
      }
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      Files.deleteIfExists(log);
    }
  }
}
