package io.listenrain.benchmark.contender;

import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * grpc-java over Netty with an explicit I/O flavour. Client and server get separate event loop groups (as they
 * would in separate processes), each sized to the cores; the groups are process-wide daemons, created on first use,
 * like grpc-java's own shared groups.
 */
final class NettyTransports {
  private NettyTransports() {}

  private static final int THREADS = Runtime.getRuntime().availableProcessors();

  /** grpc-netty on Java NIO selectors. */
  static GrpcTransport nio() {
    return GrpcTransport.of(
        name -> NettyServerBuilder.forAddress(Endpoints.loopbackEphemeral())
            .channelType(NioServerSocketChannel.class)
            .bossEventLoopGroup(Nio.BOSS)
            .workerEventLoopGroup(Nio.SERVER),
        (name, server) -> NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
            .channelType(NioSocketChannel.class)
            .eventLoopGroup(Nio.CLIENT)
            .usePlaintext());
  }

  /** grpc-netty on native epoll (Linux only; check {@link #epollAvailable()}). */
  static GrpcTransport epoll() {
    return GrpcTransport.of(
        name -> NettyServerBuilder.forAddress(Endpoints.loopbackEphemeral())
            .channelType(EpollServerSocketChannel.class)
            .bossEventLoopGroup(EpollGroups.BOSS)
            .workerEventLoopGroup(EpollGroups.SERVER),
        (name, server) -> NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
            .channelType(EpollSocketChannel.class)
            .eventLoopGroup(EpollGroups.CLIENT)
            .usePlaintext());
  }

  static boolean epollAvailable() {
    return Epoll.isAvailable();
  }

  /** The shared epoll groups, for rows that configure grpc-netty further (TLS). */
  static EventLoopGroup epollBoss() {
    return EpollGroups.BOSS;
  }

  static EventLoopGroup epollServer() {
    return EpollGroups.SERVER;
  }

  static EventLoopGroup epollClient() {
    return EpollGroups.CLIENT;
  }

  private static final class Nio {
    static final EventLoopGroup BOSS = new NioEventLoopGroup(1, new DefaultThreadFactory("bench-nio-boss", true));
    static final EventLoopGroup SERVER =
        new NioEventLoopGroup(THREADS, new DefaultThreadFactory("bench-nio-server", true));
    static final EventLoopGroup CLIENT =
        new NioEventLoopGroup(THREADS, new DefaultThreadFactory("bench-nio-client", true));
  }

  private static final class EpollGroups {
    static final EventLoopGroup BOSS = new EpollEventLoopGroup(1, new DefaultThreadFactory("bench-epoll-boss", true));
    static final EventLoopGroup SERVER =
        new EpollEventLoopGroup(THREADS, new DefaultThreadFactory("bench-epoll-server", true));
    static final EventLoopGroup CLIENT =
        new EpollEventLoopGroup(THREADS, new DefaultThreadFactory("bench-epoll-client", true));
  }
}
