package io.listenrain.benchmark.contender;

import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.grpc.ListenRainServerBuilder;

/**
 * ListenRain-gRPC: the same generated stub and service as the grpc-netty rows, only the builders differ. Defaults
 * everywhere (windows, frame size, event loops) except the message size limit {@link GrpcContender} raises for all.
 */
final class ListenRainTransports {
  private ListenRainTransports() {}

  /** Over loopback TCP (epoll when available, else NIO). */
  static GrpcTransport tcp() {
    return GrpcTransport.of(
        name -> ListenRainServerBuilder.forAddress(Endpoints.loopbackEphemeral()),
        (name, server) -> ListenRainChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext());
  }

  /** Over a Unix domain socket (native epoll where available, else the JDK's channel). */
  static GrpcTransport unix() {
    return GrpcTransport.of(
        name -> ListenRainServerBuilder.forUnixSocket(Endpoints.socketFile(name)),
        (name, server) -> ListenRainChannelBuilder.forUnixSocket(Endpoints.socketFile(name)).usePlaintext());
  }

  /** Over an in-process pipe: ListenRain's framing and flow control, no socket. */
  static GrpcTransport pipe() {
    return GrpcTransport.of(
        name -> ListenRainServerBuilder.forInProcess(name),
        (name, server) -> ListenRainChannelBuilder.forInProcess(name).usePlaintext());
  }
}
