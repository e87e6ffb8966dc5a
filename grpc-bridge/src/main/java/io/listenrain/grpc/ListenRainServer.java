package io.listenrain.grpc;

import io.grpc.InternalChannelz.SocketStats;
import io.grpc.InternalInstrumented;
import io.grpc.ServerStreamTracer;
import io.grpc.internal.InternalServer;
import io.grpc.internal.ServerListener;
import io.grpc.internal.ServerTransportListener;
import io.listenrain.channel.ChannelAcceptor;
import io.listenrain.channel.Channels;
import java.io.IOException;
import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.net.SocketAddress;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Listens on one address (TCP, Unix socket or in-process pipe) and turns each accepted channel into a
 * {@link ListenRainServerTransport}. Thread-safe.
 */
final class ListenRainServer implements InternalServer {
  private final SocketAddress address;
  private final TransportConfig config;
  private final List<? extends ServerStreamTracer.Factory> tracerFactories;
  private final AtomicBoolean shutdown = new AtomicBoolean();
  private volatile ChannelAcceptor acceptor;
  private volatile ServerListener listener;

  ListenRainServer(SocketAddress address, TransportConfig config,
      List<? extends ServerStreamTracer.Factory> tracerFactories) {
    this.address = Addresses.unwrap(address);
    this.config = config;
    this.tracerFactories = tracerFactories;
  }

  @Override
  public void start(ServerListener listener) throws IOException {
    if (address instanceof UnixDomainSocketAddress) {
      refuseLiveUnixSocket((UnixDomainSocketAddress) address);
    }
    this.listener = listener;
    acceptor = Channels.listen(address, config.channelOptions, ch -> {
      ListenRainServerTransport t = new ListenRainServerTransport(ch, config, tracerFactories);
      ServerTransportListener tl = listener.transportCreated(t);
      t.start(tl);
    });
  }

  /**
   * The channel layer replaces a stale socket file; a file some server still listens on must not be taken over, so
   * probe it first.
   */
  private static void refuseLiveUnixSocket(UnixDomainSocketAddress a) throws IOException {
    if (!Files.exists(a.getPath())) {
      return;
    }
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(a);
    } catch (IOException stale) {
      return; // nobody listens: the file is stale
    }
    throw new BindException("address already in use: " + a);
  }

  @Override
  public void shutdown() {
    if (!shutdown.compareAndSet(false, true)) {
      return;
    }
    ChannelAcceptor a = acceptor;
    if (a != null) {
      a.close();
      a.closeFuture().join();
    }
    ServerListener l = listener;
    if (l != null) {
      l.serverShutdown();
    }
  }

  @Override
  public SocketAddress getListenSocketAddress() {
    ChannelAcceptor a = acceptor;
    return a == null ? address : Addresses.normalize(a.localAddress());
  }

  @Override
  public InternalInstrumented<SocketStats> getListenSocketStats() {
    return null;
  }

  @Override
  public List<? extends SocketAddress> getListenSocketAddresses() {
    return Collections.singletonList(getListenSocketAddress());
  }

  @Override
  public List<InternalInstrumented<SocketStats>> getListenSocketStatsList() {
    return null;
  }

  @Override
  public String toString() {
    return "ListenRainServer[" + getListenSocketAddress() + "]";
  }
}
