package io.listenrain.protocol;

import io.listenrain.client.Transport;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.config.TransportKey;
import io.listenrain.pool.TransportPool;
import io.listenrain.server.Server;
import io.listenrain.server.ServerRouter;
import io.listenrain.server.ServerTransports;
import io.listenrain.sharing.PortSharingAcceptor;
import io.listenrain.sharing.ServerProtocol;
import io.listenrain.state.StateMachine;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A registered native protocol: the handle {@link ProtocolRegisterTable#register} returns (the original's
 * ProtocolType). Client calls go through its {@link TransportPool} (one transport per key, created on first use);
 * servers are started from it. Thread-safe.
 *
 * <p>The send methods are those of {@link Transport}, with the key first; see there for endings, errors and
 * message ownership.
 *
 * @param <M> the message type
 */
public final class Protocol<M> implements AutoCloseable {
  private final int id;
  private final ProtocolSpec<M> spec;
  private final TransportPool<M> pool;
  private final Set<Server> servers = ConcurrentHashMap.newKeySet();

  Protocol(int id, ProtocolSpec<M> spec) {
    this.id = id;
    this.spec = spec;
    this.pool = TransportPool.create(spec);
  }

  /** The index of this protocol in its table. */
  public int id() {
    return id;
  }

  public String name() {
    return spec.name();
  }

  public ProtocolSpec<M> spec() {
    return spec;
  }

  /** A key of this protocol for {@code endpoints} (active first, then standbys). */
  public TransportKey key(SocketAddress... endpoints) {
    return TransportKey.of(spec.name(), endpoints);
  }

  /** A key of this protocol for {@code endpoints} (active first, then standbys). */
  public TransportKey key(List<? extends SocketAddress> endpoints) {
    return TransportKey.of(spec.name(), endpoints);
  }

  /** The live transport for {@code key}, from the pool. */
  public Transport<M> transport(TransportKey key) {
    return pool.get(key);
  }

  public TransportPool<M> pool() {
    return pool;
  }

  /** Asynchronous call with the default timeout; {@code machine} gets the ending. */
  public void send(TransportKey key, M request, StateMachine<M> machine) {
    pool.get(key).send(request, machine);
  }

  /** Asynchronous call with a timeout; {@code machine} gets the ending. */
  public void send(TransportKey key, M request, StateMachine<M> machine, Duration timeout) {
    pool.get(key).send(request, machine, timeout);
  }

  /** Call with the default timeout, as a future. */
  public CompletableFuture<M> send(TransportKey key, M request) {
    return pool.get(key).send(request);
  }

  /** Call with a timeout, as a future. */
  public CompletableFuture<M> send(TransportKey key, M request, Duration timeout) {
    return pool.get(key).send(request, timeout);
  }

  /** Blocking call: the original's SyncSend. */
  public M syncSend(TransportKey key, M request, Duration timeout) throws InterruptedException {
    return pool.get(key).syncSend(request, timeout);
  }

  /** Message without a response. */
  public void sendOneWay(TransportKey key, M message) {
    pool.get(key).sendOneWay(message);
  }

  /** Binds {@code address} and serves this protocol there with {@code router}. Closed with the protocol. */
  public Server listen(SocketAddress address, ServerRouter<M> router) throws IOException {
    Server s = ServerTransports.listen(address, spec, router);
    track(s);
    return s;
  }

  /**
   * This protocol's server as a {@link ServerProtocol}, to share a port through {@link PortSharingAcceptor}. Its
   * preface is the spec's (none: the fallback). The server is closed with the protocol.
   */
  public ServerProtocol serverProtocol(ServerRouter<M> router) {
    Server s = ServerTransports.create(spec, router);
    track(s);
    return new NativeServerProtocol(spec.name(), spec.preface(), s);
  }

  private void track(Server s) {
    servers.add(s);
    s.closeFuture().whenComplete((v, e) -> servers.remove(s));
  }

  /** Closes the client transports and servers gracefully. */
  @Override
  public void close() {
    pool.close();
    for (Server s : servers) {
      s.close();
    }
  }

  /** Closes the client transports and servers at once. */
  public void shutdownNow() {
    pool.shutdownNow();
    for (Server s : servers) {
      s.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "Protocol(" + id + ", " + spec.name() + ")";
  }
}
