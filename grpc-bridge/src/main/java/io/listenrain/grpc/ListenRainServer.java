package io.listenrain.grpc;

import io.grpc.InternalChannelz;
import io.grpc.InternalChannelz.SocketStats;
import io.grpc.InternalInstrumented;
import io.grpc.ServerStreamTracer;
import io.grpc.internal.InternalServer;
import io.grpc.internal.ServerListener;
import io.grpc.internal.ServerTransportListener;
import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelAcceptor;
import io.listenrain.channel.Channels;
import io.listenrain.sharing.PortSharingAcceptor;
import io.listenrain.sharing.ServerProtocol;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.BindException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Listens on one or more addresses (TCP, Unix socket or in-process pipe, in any mix) and turns each accepted channel
 * into a {@link ListenRainServerTransport}. Thread-safe.
 */
final class ListenRainServer implements InternalServer {
  private final List<SocketAddress> addresses;
  private final TransportConfig config;
  private final List<? extends ServerStreamTracer.Factory> tracerFactories;
  private final List<ServerProtocol> nativeProtocols;
  private final AtomicBoolean shutdown = new AtomicBoolean();
  private volatile List<ChannelAcceptor> acceptors = List.of();
  private volatile List<InternalInstrumented<SocketStats>> listenSockets = List.of();
  private volatile ServerListener listener;

  ListenRainServer(SocketAddress address, TransportConfig config,
      List<? extends ServerStreamTracer.Factory> tracerFactories) {
    this(List.of(address), config, tracerFactories, Collections.emptyList());
  }

  /**
   * With {@code nativeProtocols}, each address is shared: gRPC is recognised by its preface, the others by theirs.
   */
  ListenRainServer(List<? extends SocketAddress> addresses, TransportConfig config,
      List<? extends ServerStreamTracer.Factory> tracerFactories, List<ServerProtocol> nativeProtocols) {
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("a server needs at least one address");
    }
    List<SocketAddress> unwrapped = new ArrayList<>();
    addresses.forEach(a -> unwrapped.add(Addresses.unwrap(a)));
    this.addresses = List.copyOf(unwrapped);
    this.config = config;
    this.tracerFactories = tracerFactories;
    this.nativeProtocols = new ArrayList<>(nativeProtocols);
    GrpcCoreLogFilter.install();
  }

  /** gRPC itself, as one protocol among those sharing the address. */
  private final class Grpc implements ServerProtocol {
    @Override
    public String name() {
      return "grpc";
    }

    @Override
    public int prefaceLength() {
      return Wire.PREFACE_LENGTH;
    }

    @Override
    public boolean matchesPreface(ByteBuf firstBytes) {
      try {
        PrefaceChannel.checkPreface(firstBytes);
        return true;
      } catch (GrpcProtocolException e) {
        return false;
      }
    }

    @Override
    public void serve(Channel channel) {
      ListenRainServerTransport t = new ListenRainServerTransport(channel, config, tracerFactories);
      ServerTransportListener tl = listener.transportCreated(t);
      t.start(tl);
    }
  }

  /** Binds every address, or none: a bind that fails closes those already bound and throws. */
  @Override
  public void start(ServerListener listener) throws IOException {
    this.listener = listener;
    List<ChannelAcceptor> bound = new ArrayList<>();
    try {
      for (SocketAddress a : addresses) {
        bound.add(listen(a));
      }
    } catch (IOException | RuntimeException e) {
      for (ChannelAcceptor b : bound) {
        b.close();
      }
      throw e;
    }
    List<InternalInstrumented<SocketStats>> sockets = new ArrayList<>(bound.size());
    boolean tls = config.channelOptions.serverTls().isPresent();
    bound.forEach(a -> sockets.add(new ListenSocket(a, tls)));
    // Registered with channelz (as grpc-netty does), so that GetSocket finds them by the ids GetServers lists.
    sockets.forEach(InternalChannelz.instance()::addListenSocket);
    listenSockets = List.copyOf(sockets);
    acceptors = List.copyOf(bound);
  }

  private ChannelAcceptor listen(SocketAddress address) throws IOException {
    if (address instanceof ChannelSourceAddress) {
      // Channels the application hands over (ServedChannels): already connected, one gRPC connection each.
      return ((ChannelSourceAddress) address).served().attach(address, new Grpc()::serve);
    }
    if (address instanceof UnixDomainSocketAddress) {
      refuseLiveUnixSocket((UnixDomainSocketAddress) address);
    }
    Grpc grpc = new Grpc();
    if (nativeProtocols.isEmpty()) {
      return Channels.listen(address, config.channelOptions, grpc::serve);
    }
    // gRPC first, then the native protocols in the order added, one without a preface (if any) last.
    List<ServerProtocol> all = new ArrayList<>();
    all.add(grpc);
    nativeProtocols.stream().filter(p -> p.prefaceLength() > 0).forEach(all::add);
    nativeProtocols.stream().filter(p -> p.prefaceLength() == 0).forEach(all::add);
    return PortSharingAcceptor.listen(address, config.channelOptions, all,
        Duration.ofNanos(config.handshakeTimeoutNanos));
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
    List<ChannelAcceptor> bound = acceptors;
    bound.forEach(ChannelAcceptor::close);
    bound.forEach(a -> a.closeFuture().join());
    listenSockets.forEach(InternalChannelz.instance()::removeListenSocket);
    ServerListener l = listener;
    if (l != null) {
      l.serverShutdown();
    }
  }

  @Override
  public SocketAddress getListenSocketAddress() {
    return getListenSocketAddresses().get(0);
  }

  @Override
  public InternalInstrumented<SocketStats> getListenSocketStats() {
    List<InternalInstrumented<SocketStats>> sockets = listenSockets;
    return sockets.isEmpty() ? null : sockets.get(0);
  }

  @Override
  public List<? extends SocketAddress> getListenSocketAddresses() {
    List<ChannelAcceptor> bound = acceptors;
    if (bound.isEmpty()) {
      return addresses;
    }
    List<SocketAddress> out = new ArrayList<>(bound.size());
    bound.forEach(a -> out.add(Addresses.normalize(a.localAddress())));
    return out;
  }

  @Override
  public List<InternalInstrumented<SocketStats>> getListenSocketStatsList() {
    return listenSockets;
  }

  @Override
  public String toString() {
    return "ListenRainServer" + getListenSocketAddresses();
  }
}
