package io.listenrain.benchmark.attack;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.listenrain.benchmark.contender.BenchEchoService;
import io.listenrain.grpc.ListenRainServerBuilder;
import io.netty.util.internal.PlatformDependent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server process of {@link AttackMain}: one gRPC server (grpc-netty or ListenRain, default settings, the
 * benchmark's echo service) on a loopback port, driven over stdin. It prints {@code PORT n} once it listens, then
 * answers each {@code mem} line with one {@link ServerReading} line (after a full GC; calls counted are the
 * attacker's) and exits on {@code quit} or
 * when stdin closes.
 */
public final class AttackServerMain {
  /** The header the attacking client sends on every call, so that the counts leave the canary's calls out. */
  static final Metadata.Key<String> ATTACKER = Metadata.Key.of("x-attacker", Metadata.ASCII_STRING_MARSHALLER);

  private AttackServerMain() {}

  public static void main(String[] args) throws Exception {
    String transport = args.length > 0 ? args[0] : "listenrain";
    AtomicLong started = new AtomicLong();
    AtomicLong active = new AtomicLong();
    ServerInterceptor counting = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        if (!headers.containsKey(ATTACKER)) {
          return next.startCall(call, headers);
        }
        started.incrementAndGet();
        active.incrementAndGet();
        return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
          private boolean ended;

          private void end() {
            if (!ended) {
              ended = true;
              active.decrementAndGet();
            }
          }

          @Override
          public void onComplete() {
            end();
            super.onComplete();
          }

          @Override
          public void onCancel() {
            end();
            super.onCancel();
          }
        };
      }
    };
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    ServerBuilder<?> builder = transport.equals("netty")
        ? NettyServerBuilder.forAddress(any)
        : ListenRainServerBuilder.forAddress(any);
    Server server = builder.addService(ServerInterceptors.intercept(new BenchEchoService(), counting)).build().start();
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    out.println("PORT " + server.getPort());
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null && !line.equals("quit"); ) {
      if (line.equals("mem")) {
        System.gc();
        System.gc();
        out.println(new ServerReading(heapUsed(), directUsed(), rss(), started.get(), active.get()).format());
      }
    }
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    System.exit(0);
  }

  private static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Direct memory: the JDK's direct pool plus what Netty allocated without a cleaner (its own count). */
  private static long directUsed() {
    long jdk = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        jdk = pool.getMemoryUsed();
      }
    }
    return jdk + Math.max(0, PlatformDependent.usedDirectMemory());
  }

  private static long rss() throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
      if (l.startsWith("VmRSS:")) {
        return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }
}
