package io.listenrain.transport;

import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelAcceptor;
import java.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** The native {@link Server}: a set of {@link ServerConnection}s, with or without its own listener. */
final class NativeServer<M> implements Server {
  private final ProtocolSpec<M> spec;
  private final ServerRouter<M> router;
  private final Set<ServerConnection<M>> connections = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  private volatile ChannelAcceptor acceptor;
  private volatile boolean closed;

  NativeServer(ProtocolSpec<M> spec, ServerRouter<M> router) {
    this.spec = spec;
    this.router = router;
  }

  void bound(ChannelAcceptor acceptor) {
    this.acceptor = acceptor;
  }

  @Override
  public SocketAddress localAddress() {
    ChannelAcceptor a = acceptor;
    return a == null ? null : a.localAddress();
  }

  @Override
  public void serve(Channel channel) {
    if (closed) {
      channel.abort(new TransportClosedException("server closed"));
      return;
    }
    Channel ch = spec.prefaceLength() == 0 ? channel : new PrefaceCheckingChannel(channel, spec.prefaceUnsafe());
    ServerConnection<M> sc = new ServerConnection<>(this, spec, router);
    connections.add(sc);
    sc.connection = Connection.open(ch, DetachingPacketCodec.wrap(spec.packetCodec()), spec.newPacketQueue(), sc);
    if (closed) {
      sc.drain();
    }
  }

  void connectionClosed(ServerConnection<M> sc) {
    connections.remove(sc);
    maybeDone();
  }

  @Override
  public int connectionCount() {
    return connections.size();
  }

  @Override
  public void close() {
    closed = true;
    ChannelAcceptor a = acceptor;
    if (a != null) {
      a.close();
    }
    for (ServerConnection<M> sc : connections) {
      sc.drain();
    }
    maybeDone();
  }

  @Override
  public void shutdownNow() {
    closed = true;
    ChannelAcceptor a = acceptor;
    if (a != null) {
      a.close();
    }
    for (ServerConnection<M> sc : connections) {
      Connection c = sc.connection;
      if (c != null) {
        c.abort(new TransportClosedException("server shut down"));
      }
    }
    maybeDone();
  }

  private void maybeDone() {
    if (closed && connections.isEmpty()) {
      ChannelAcceptor a = acceptor;
      if (a == null) {
        closeFuture.complete(null);
      } else {
        a.closeFuture().whenComplete((v, e) -> closeFuture.complete(null));
      }
    }
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  @Override
  public String toString() {
    return "NativeServer(" + spec.name() + ", " + localAddress() + ")";
  }
}
