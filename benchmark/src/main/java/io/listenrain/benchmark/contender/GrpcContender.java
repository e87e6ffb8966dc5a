package io.listenrain.benchmark.contender;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.listenrain.benchmark.spi.Contender;
import io.listenrain.benchmark.spi.ExecutorMode;
import io.listenrain.benchmark.spi.Session;
import io.listenrain.benchmark.spi.Workload;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Any gRPC stack as a contender: the {@link GrpcTransport} supplies a {@link ServerBuilder} and a
 * {@link ManagedChannelBuilder}; this class adds the same echo service, a {@value #MAX_MESSAGE_BYTES}-byte message
 * limit (the 4 MiB payload plus protobuf framing exceeds gRPC's 4 MiB default) and, in {@link ExecutorMode#DIRECT},
 * {@code directExecutor()} on both sides. Runs unary, server-streaming and bidi ping-pong workloads.
 */
public final class GrpcContender implements Contender {
  /** The inbound message limit set on both sides. */
  public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  private final String group;
  private final String transport;
  private final ExecutorMode mode;
  private final GrpcTransport factory;
  private final BooleanSupplier available;

  private GrpcContender(String group, String transport, ExecutorMode mode, GrpcTransport factory,
      BooleanSupplier available) {
    if (mode == ExecutorMode.NONE) {
      throw new IllegalArgumentException("a gRPC contender runs with the DEFAULT or the DIRECT executor");
    }
    this.group = Objects.requireNonNull(group, "group");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.mode = mode;
    this.factory = Objects.requireNonNull(factory, "factory");
    this.available = Objects.requireNonNull(available, "available");
  }

  /**
   * The two rows of one gRPC stack, default executor first, named {@code <group>-<transport>/default} and
   * {@code <group>-<transport>/direct}.
   *
   * @param available whether the stack can run here (checked before the rows are run)
   */
  public static List<Contender> bothModes(String group, String transport, GrpcTransport factory,
      BooleanSupplier available) {
    return List.of(new GrpcContender(group, transport, ExecutorMode.DEFAULT, factory, available),
        new GrpcContender(group, transport, ExecutorMode.DIRECT, factory, available));
  }

  /** Both rows of a stack that runs everywhere. */
  public static List<Contender> bothModes(String group, String transport, GrpcTransport factory) {
    return bothModes(group, transport, factory, () -> true);
  }

  @Override
  public String name() {
    return group + "-" + transport + "/" + mode.label();
  }

  @Override
  public String group() {
    return group;
  }

  @Override
  public String transport() {
    return transport;
  }

  @Override
  public ExecutorMode executorMode() {
    return mode;
  }

  @Override
  public Set<Workload> workloads() {
    return EnumSet.allOf(Workload.class);
  }

  @Override
  public boolean available() {
    return available.getAsBoolean();
  }

  @Override
  public Session open() throws Exception {
    String endpoint = Endpoints.uniqueName();
    ServerBuilder<?> sb = factory.newServerBuilder(endpoint)
        .addService(new BenchEchoService())
        .maxInboundMessageSize(MAX_MESSAGE_BYTES);
    if (mode == ExecutorMode.DIRECT) {
      sb.directExecutor();
    }
    Server server = sb.build().start();
    ManagedChannel channel = null;
    try {
      ManagedChannelBuilder<?> cb = factory.newChannelBuilder(endpoint, server)
          .maxInboundMessageSize(MAX_MESSAGE_BYTES);
      if (mode == ExecutorMode.DIRECT) {
        cb.directExecutor();
      }
      channel = cb.build();
      GrpcSession session = new GrpcSession(server, channel, endpoint);
      session.awaitReady();
      return session;
    } catch (Exception | Error e) {
      if (channel != null) {
        channel.shutdownNow();
      }
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
      Endpoints.deleteSocketFile(endpoint);
      throw e;
    }
  }

  @Override
  public String toString() {
    return name();
  }
}
