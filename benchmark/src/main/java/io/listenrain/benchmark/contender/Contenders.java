package io.listenrain.benchmark.contender;

import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.listenrain.benchmark.spi.Contender;
import io.listenrain.benchmark.spi.ExecutorMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The registry of benchmark rows, in report order. This is the one place a new contender is added.
 *
 * <p>A gRPC stack is one call to {@link GrpcContender#bothModes} with a {@link GrpcTransport} made of two lambdas
 * (server builder, channel builder); it yields the default-executor and the direct-executor rows. Anything else
 * implements {@link Contender} and is added to the list in {@link #register}. Rows registered with
 * {@code byDefault == false} run only when named with {@code --contenders}.
 *
 * <p>The baseline of every ratio is {@code grpc-netty-<nio|epoll>/<mode>}, so those rows must stay registered.
 */
public final class Contenders {
  private static final Map<String, Entry> ALL = register();

  private Contenders() {}

  private static Map<String, Entry> register() {
    Map<String, Entry> r = new LinkedHashMap<>();
    add(r, true, GrpcContender.bothModes("grpc-netty", "nio", NettyTransports.nio()));
    add(r, true, GrpcContender.bothModes("grpc-netty", "epoll", NettyTransports.epoll(),
        NettyTransports::epollAvailable));
    add(r, true, GrpcContender.bothModes("grpc", "inprocess", GrpcTransport.of(
        name -> InProcessServerBuilder.forName(name),
        (name, server) -> InProcessChannelBuilder.forName(name))));
    add(r, true, List.of(new SocketEchoContender()));
    add(r, true, GrpcContender.bothModes("listenrain-grpc", "tcp", ListenRainTransports.tcp()));
    add(r, true, GrpcContender.bothModes("listenrain-grpc", "unix", ListenRainTransports.unix(),
        NettyTransports::epollAvailable));
    add(r, true, GrpcContender.bothModes("listenrain-grpc", "pipe", ListenRainTransports.pipe()));
    add(r, true, NativeListenRainContender.bothModes());
    add(r, false, GrpcContender.bothModes("grpc-netty", "epoll-tls", BenchTls.nettyEpoll(),
        NettyTransports::epollAvailable));
    add(r, false, GrpcContender.bothModes("listenrain-grpc", "tls", BenchTls.listenRain()));
    add(r, false, List.of(RawListenRainContender.tcp(), RawListenRainContender.unix(), RawListenRainContender.pipe()));
    add(r, false, List.of(NativeListenRainContender.goBench()));
    return Collections.unmodifiableMap(r);
  }

  private static void add(Map<String, Entry> registry, boolean byDefault, List<Contender> contenders) {
    for (Contender c : contenders) {
      if (registry.putIfAbsent(c.name(), new Entry(c, byDefault)) != null) {
        throw new IllegalStateException("two contenders named " + c.name());
      }
    }
  }

  /** Every registered contender, in report order, available here or not. */
  public static List<Contender> all() {
    List<Contender> out = new ArrayList<>();
    ALL.values().forEach(e -> out.add(e.contender));
    return out;
  }

  /** The rows run when {@code --contenders} is not given: the default ones that are available here. */
  public static List<Contender> defaults() {
    List<Contender> out = new ArrayList<>();
    ALL.values().forEach(e -> {
      if (e.byDefault && e.contender.available()) {
        out.add(e.contender);
      }
    });
    return out;
  }

  /**
   * Resolves {@code --contenders} names. A name selects one row ({@code grpc-netty-epoll/direct}); a name without
   * the executor suffix selects both modes ({@code grpc-netty-epoll}); {@code all} selects every available row.
   *
   * @throws NoSuchElementException naming the unknown entry and listing the known ones
   */
  public static List<Contender> select(List<String> names) {
    List<Contender> out = new ArrayList<>();
    for (String n : names) {
      List<Contender> matched = new ArrayList<>();
      for (Entry e : ALL.values()) {
        String name = e.contender.name();
        if (n.equals("all") ? e.contender.available() : name.equals(n) || name.startsWith(n + "/")) {
          matched.add(e.contender);
        }
      }
      if (matched.isEmpty()) {
        throw new NoSuchElementException("unknown contender '" + n + "'; known: " + String.join(", ", ALL.keySet()));
      }
      for (Contender c : matched) {
        if (!out.contains(c)) {
          out.add(c);
        }
      }
    }
    return out;
  }

  /**
   * The name of the row a contender is compared with: {@code grpc-netty-<baselineTransport>/<mode>}, with the
   * contender's executor mode ({@link ExecutorMode#NONE} compares with {@link ExecutorMode#DIRECT}).
   */
  public static String baselineOf(Contender c, String baselineTransport) {
    return "grpc-netty-" + baselineTransport + "/" + c.executorMode().baselineMode().label();
  }

  /** The default baseline transport: epoll where Netty's native transport loads, else NIO. */
  public static String defaultBaselineTransport() {
    return NettyTransports.epollAvailable() ? "epoll" : "nio";
  }

  private static final class Entry {
    final Contender contender;
    final boolean byDefault;

    Entry(Contender contender, boolean byDefault) {
      this.contender = contender;
      this.byDefault = byDefault;
    }
  }
}
