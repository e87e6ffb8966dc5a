package io.listenrain.benchmark.spi;

import java.util.Set;

/**
 * One row of the benchmark: a transport stack that can echo bytes over one connection, such as grpc-java over
 * Netty with epoll, a plain socket, or ListenRain.
 *
 * <p>A contender is a cheap, immutable description; {@link #open()} does the work. The harness opens it once, runs
 * all of its cells on that {@link Session}, and closes it before opening the next contender, so contenders never
 * share the CPU with each other.
 *
 * <h2>Adding a contender</h2>
 * Implement this interface (or, for anything with a gRPC {@code ManagedChannelBuilder}/{@code ServerBuilder}, use
 * {@code io.listenrain.benchmark.contender.GrpcContender} with a {@code GrpcTransport}) and add one line to the
 * registry, {@code io.listenrain.benchmark.contender.Contenders}. Nothing else changes: the CLI, the tables, the
 * chart and the smoke test pick it up by name.
 */
public interface Contender {

  /**
   * The unique row name used on the command line and in reports, such as {@code grpc-netty-epoll/direct}. By
   * convention {@code <stack>-<transport>/<executor mode>}; contenders without executor mode omit the suffix.
   */
  String name();

  /** The family the row belongs to, such as {@code grpc-netty}, {@code socket} or {@code listenrain}. */
  String group();

  /** The wire under the stack: {@code nio}, {@code epoll}, {@code tcp}, {@code unix} or {@code inprocess}. */
  String transport();

  /** Where callbacks run; picks the baseline row the ratios are computed against. */
  ExecutorMode executorMode();

  /** The workloads this contender can run; {@link Workload#UNARY} at least. */
  Set<Workload> workloads();

  /** Whether this contender can run {@code workload}. */
  default boolean supports(Workload workload) {
    return workloads().contains(workload);
  }

  /** Whether the contender can run on this machine (for example, epoll needs Linux); unavailable rows are skipped. */
  default boolean available() {
    return true;
  }

  /**
   * Starts a server on a fresh endpoint (an ephemeral loopback port, a temporary socket file or a unique in-process
   * name) and connects one client to it. Blocks until both are ready.
   *
   * @throws Exception if either cannot start; whatever was started is shut down first
   */
  Session open() throws Exception;
}
