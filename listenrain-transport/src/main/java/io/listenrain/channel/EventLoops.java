package io.listenrain.channel;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The process-wide Netty event loop groups: for sockets (epoll when available, else NIO), for in-process pipes and
 * for stream adapters. Threads are daemons, created on first use, sized to the number of cores.
 */
final class EventLoops {
  private EventLoops() {}

  static final int THREADS = Math.max(1, Integer.getInteger("listenrain.eventLoopThreads",
      Runtime.getRuntime().availableProcessors()));

  /** Whether the native epoll transport is usable here. */
  static boolean nativeAvailable() {
    return Epoll.isAvailable();
  }

  static EventLoopGroup sockets(boolean preferNative) {
    return preferNative && nativeAvailable() ? EpollHolder.GROUP : NioHolder.GROUP;
  }

  static EventLoopGroup pipes() {
    return LocalHolder.GROUP;
  }

  /** Executors for stream-adapter channels; their blocking I/O runs on per-channel threads, never here. */
  static EventLoopGroup streams() {
    return StreamHolder.GROUP;
  }

  static Class<? extends io.netty.channel.Channel> tcpChannelType(boolean preferNative) {
    return preferNative && nativeAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  static Class<? extends ServerChannel> tcpServerChannelType(boolean preferNative) {
    return preferNative && nativeAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  /** Whether a Unix socket that prefers native I/O gets epoll; otherwise the JDK's own domain-socket channel. */
  static boolean unixNative(boolean preferNative) {
    return preferNative && nativeAvailable();
  }

  static Class<? extends io.netty.channel.Channel> unixChannelType(boolean preferNative) {
    return unixNative(preferNative) ? EpollDomainSocketChannel.class : NioDomainSocketChannel.class;
  }

  static Class<? extends ServerChannel> unixServerChannelType(boolean preferNative) {
    return unixNative(preferNative) ? EpollServerDomainSocketChannel.class : NioServerDomainSocketChannel.class;
  }

  static Class<? extends io.netty.channel.Channel> pipeChannelType() {
    return LocalChannel.class;
  }

  static Class<? extends ServerChannel> pipeServerChannelType() {
    return LocalServerChannel.class;
  }

  private static final class EpollHolder {
    static final EventLoopGroup GROUP =
        new EpollEventLoopGroup(THREADS, new DefaultThreadFactory("listenrain-epoll", true));
  }

  private static final class NioHolder {
    static final EventLoopGroup GROUP =
        new NioEventLoopGroup(THREADS, new DefaultThreadFactory("listenrain-nio", true));
  }

  private static final class StreamHolder {
    static final EventLoopGroup GROUP =
        new DefaultEventLoopGroup(THREADS, new DefaultThreadFactory("listenrain-stream", true));
  }

  private static final class LocalHolder {
    static final EventLoopGroup GROUP =
        new DefaultEventLoopGroup(THREADS, new DefaultThreadFactory("listenrain-pipe", true));
  }
}
