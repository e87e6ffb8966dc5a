package io.listenrain.server;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelAcceptor;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.errors.TransportClosedException;
import io.listenrain.transport.Connection;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The native {@link Server}: a set of {@link ServerConnection}s, with or without its own listener. */
final class NativeServer<M> implements Server {
  /** Events clients cause (bad requests, leaving early): one line per kind per second, shared by native servers. */
  static final io.listenrain.internal.PeerEventLog PEER_LOG =
      new io.listenrain.internal.PeerEventLog(java.util.logging.Logger.getLogger(ServerConnection.class.getName()));
  private final ProtocolSpec<M> spec;
  private final ServerRouter<M> router;
  private final ServerTimeouts timeouts;
  private final Set<ServerConnection<M>> connections = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  private volatile ChannelAcceptor acceptor;
  private volatile boolean closed;
  private final LongAdder accepted = new LongAdder();
  final LongAdder requests = new LongAdder();
  final LongAdder responses = new LongAdder();
  final LongAdder readPauses = new LongAdder();
  final LongAdder badMsgIds = new LongAdder();
  // Totals of closed connections; guarded by this.
  @GuardedBy("this")
  private long closedBytesIn;
  @GuardedBy("this")
  private long closedBytesOut;
  @GuardedBy("this")
  private long closedPacketsIn;
  @GuardedBy("this")
  private long closedPacketsOut;

  NativeServer(ProtocolSpec<M> spec, ServerRouter<M> router) {
    this.spec = spec;
    this.router = router;
    this.timeouts = ServerTimeouts.of(spec);
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
    Channel ch = spec.prefaceLength() == 0 ? channel : new PrefaceCheckingChannel(channel, spec.preface());
    ServerConnection<M> sc = new ServerConnection<>(this, spec, router, timeouts);
    connections.add(sc);
    accepted.increment();
    sc.connection = Connection.open(ch, spec.packetCodec(), spec.newPacketQueue(), sc);
    sc.watchdog.start(sc.connection);
    if (closed) {
      sc.drain();
    }
  }

  void connectionClosed(ServerConnection<M> sc) {
    Connection c = sc.connection;
    synchronized (this) {
      if (connections.remove(sc) && c != null) {
        closedBytesIn += c.bytesIn();
        closedBytesOut += c.bytesOut();
        closedPacketsIn += c.packetsIn();
        closedPacketsOut += c.packetsOut();
      }
    }
    maybeDone();
  }

  @Override
  public ServerStats stats() {
    long bi;
    long bo;
    long pi;
    long po;
    synchronized (this) {
      bi = closedBytesIn;
      bo = closedBytesOut;
      pi = closedPacketsIn;
      po = closedPacketsOut;
      for (ServerConnection<M> sc : connections) {
        Connection c = sc.connection;
        if (c != null) {
          bi += c.bytesIn();
          bo += c.bytesOut();
          pi += c.packetsIn();
          po += c.packetsOut();
        }
      }
    }
    return new ServerStats(accepted.sum(), connections.size(), requests.sum(), responses.sum(), bi, bo, pi, po,
        readPauses.sum(), badMsgIds.sum());
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

  /** Runs every connection's timeout check now, on its I/O thread; completes when all have run. For tests. */
  CompletableFuture<Void> checkTimeoutsNow() {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (ServerConnection<M> sc : connections) {
      Connection c = sc.connection;
      if (c != null) {
        all.add(CompletableFuture.runAsync(sc.watchdog::check, c.executor()));
      }
    }
    return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
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
