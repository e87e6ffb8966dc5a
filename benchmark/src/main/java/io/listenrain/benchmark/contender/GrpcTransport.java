package io.listenrain.benchmark.contender;

import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * How a {@link GrpcContender} builds its server and its channel: the only part that differs between grpc-java over
 * Netty, grpc-java in-process and ListenRain's gRPC transport over TCP, a Unix socket or an in-process pipe.
 *
 * <p>Both methods receive the same {@code endpointName}, unique per session, from which a transport derives its
 * address: ignore it for TCP (bind port 0 and read {@link Server#getPort()}), use it as the in-process name, or turn
 * it into a socket file with {@link Endpoints#socketFile(String)}. The builders are returned bare: the contender adds
 * the echo service, the message size limit and the executor. Channel builders must already be plaintext where the
 * transport knows TLS.
 *
 * <p>Example, ListenRain's gRPC transport over TCP:
 * <pre>{@code
 * GrpcTransport.of(
 *     name -> ListenRainServerBuilder.forPort(0),
 *     (name, server) -> ListenRainChannelBuilder.forAddress("127.0.0.1", server.getPort()))
 * }</pre>
 */
public interface GrpcTransport {

  /** A server builder bound to a fresh endpoint derived from {@code endpointName}. Called once per session. */
  ServerBuilder<?> newServerBuilder(String endpointName);

  /** A channel builder targeting {@code server}, which is started. Called once per session, after the server. */
  ManagedChannelBuilder<?> newChannelBuilder(String endpointName, Server server);

  /** A transport from two lambdas. */
  static GrpcTransport of(Function<String, ServerBuilder<?>> server,
      BiFunction<String, Server, ManagedChannelBuilder<?>> channel) {
    return new GrpcTransport() {
      @Override
      public ServerBuilder<?> newServerBuilder(String endpointName) {
        return server.apply(endpointName);
      }

      @Override
      public ManagedChannelBuilder<?> newChannelBuilder(String endpointName, Server s) {
        return channel.apply(endpointName, s);
      }
    };
  }
}
