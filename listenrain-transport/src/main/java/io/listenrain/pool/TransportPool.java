package io.listenrain.pool;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.listenrain.client.Transport;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.config.TransportKey;
import io.listenrain.errors.TransportClosedException;
import io.listenrain.errors.TransportException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * The client transports of one protocol, one slot per {@link TransportKey}: get-or-create, bounded, with dead
 * transports evicted. A slot holds {@link ProtocolSpec#connectionsPerKey()} transports (each with its own
 * connection), handed out round-robin.
 *
 * <ul>
 *   <li>A transport that terminates (it gave up reconnecting, or was closed) is evicted: its slot position is
 *       refilled on the next {@link #get}, and a slot whose transports are all gone leaves the pool.</li>
 *   <li>At most {@link ProtocolSpec#maxTransports()} keys: a new key beyond that fails with
 *       {@link PoolExhaustedException} (drop unused keys with {@link #drop}).</li>
 *   <li>Thread-safe; lookups of existing keys take no lock.</li>
 * </ul>
 *
 * @param <M> the message type
 */
public final class TransportPool<M> implements AutoCloseable {
  private final ProtocolSpec<M> spec;
  private final BiFunction<TransportKey, ProtocolSpec<M>, Transport<M>> factory;
  private final ConcurrentHashMap<TransportKey, Slot<M>> slots = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private TransportPool(ProtocolSpec<M> spec, BiFunction<TransportKey, ProtocolSpec<M>, Transport<M>> factory) {
    this.spec = spec;
    this.factory = factory;
  }

  /** A pool of native client transports for {@code spec}. */
  public static <M> TransportPool<M> create(ProtocolSpec<M> spec) {
    return new TransportPool<>(spec, Transport::create);
  }

  /** A pool whose transports come from {@code factory} (for other transport kinds, or tests). */
  public static <M> TransportPool<M> create(ProtocolSpec<M> spec,
      BiFunction<TransportKey, ProtocolSpec<M>, Transport<M>> factory) {
    return new TransportPool<>(spec, factory);
  }

  /**
   * Returns a live transport for {@code key}, creating it (without dialing yet) if needed.
   *
   * @throws IllegalArgumentException if the key names another protocol
   * @throws PoolExhaustedException if the key is new and the pool is full
   * @throws TransportClosedException if the pool is closed
   */
  public Transport<M> get(TransportKey key) {
    if (!key.protocol().equals(spec.name())) {
      throw new IllegalArgumentException("key " + key + " is not for protocol " + spec.name());
    }
    while (true) {
      if (closed) {
        throw new TransportClosedException("transport pool of " + spec.name() + " is closed");
      }
      Slot<M> slot = slots.get(key);
      if (slot == null) {
        if (slots.size() >= spec.maxTransports()) {
          throw new PoolExhaustedException(spec.maxTransports());
        }
        Slot<M> fresh = new Slot<>(spec.connectionsPerKey());
        slot = slots.putIfAbsent(key, fresh);
        if (slot == null) {
          slot = fresh;
        }
      }
      Transport<M> t = slot.next(this, key);
      if (t != null) {
        return t;
      }
      // The slot was evicted under us: look again.
    }
  }

  /** Closes the transports of {@code key} gracefully and forgets them. */
  public CompletableFuture<Void> drop(TransportKey key) {
    Slot<M> slot = slots.remove(key);
    if (slot == null) {
      return CompletableFuture.completedFuture(null);
    }
    return slot.closeAll();
  }

  /** Keys currently held. */
  public int size() {
    return slots.size();
  }

  /** Graceful close of every transport; later gets fail. Completes when all have terminated. */
  @Override
  public void close() {
    closeGracefully();
  }

  /** As {@link #close()}, returning a future of the end. */
  public CompletableFuture<Void> closeGracefully() {
    closed = true;
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (TransportKey key : List.copyOf(slots.keySet())) {
      all.add(drop(key));
    }
    return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
  }

  /** Forced close of every transport. */
  public void shutdownNow() {
    closed = true;
    for (TransportKey key : List.copyOf(slots.keySet())) {
      Slot<M> slot = slots.remove(key);
      if (slot != null) {
        slot.shutdownAll();
      }
    }
  }

  private Transport<M> newTransport(TransportKey key) {
    return factory.apply(key, spec);
  }

  private void evicted(TransportKey key, Slot<M> slot, Transport<M> dead) {
    if (slot.remove(dead)) {
      slots.remove(key, slot);
    }
  }

  /** The transports of one key. Guarded by its own monitor; never calls out while holding it except to create. */
  private static final class Slot<M> {
    private final Transport<M>[] transports;
    private final AtomicInteger next = new AtomicInteger();
  @GuardedBy("this")
    private boolean removed;

    @SuppressWarnings("unchecked") // Generic array: never escapes.
    Slot(int n) {
      transports = (Transport<M>[]) new Transport<?>[n];
    }

    /** A live transport, created if its position is empty or dead; null if this slot left the pool. */
    Transport<M> next(TransportPool<M> pool, TransportKey key) {
      int i = Math.floorMod(next.getAndIncrement(), transports.length);
      Transport<M> t;
      synchronized (this) {
        if (removed) {
          return null;
        }
        t = transports[i];
        if (t != null && !t.isTerminated()) {
          return t;
        }
        t = pool.newTransport(key);
        transports[i] = t;
      }
      Transport<M> created = t;
      t.terminationFuture().whenComplete((v, e) -> pool.evicted(key, this, created));
      return t;
    }

    /** Forgets {@code dead}; returns true (and marks the slot removed) if no transport is left. */
    synchronized boolean remove(Transport<M> dead) {
      boolean any = false;
      for (int i = 0; i < transports.length; i++) {
        if (transports[i] == dead) {
          transports[i] = null;
        }
        any |= transports[i] != null;
      }
      if (!any) {
        removed = true;
      }
      return !any;
    }

    CompletableFuture<Void> closeAll() {
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (Transport<M> t : snapshot()) {
        all.add(t.close());
      }
      return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
    }

    void shutdownAll() {
      for (Transport<M> t : snapshot()) {
        t.shutdownNow();
      }
    }

    private synchronized List<Transport<M>> snapshot() {
      removed = true;
      List<Transport<M>> list = new ArrayList<>();
      for (Transport<M> t : transports) {
        if (t != null) {
          list.add(t);
        }
      }
      return list;
    }
  }

  /** The pool holds its maximum number of keys. */
  public static final class PoolExhaustedException extends TransportException {
    private static final long serialVersionUID = 1L;

    public PoolExhaustedException(int max) {
      super("transport pool full (" + max + " keys); drop unused keys or raise maxTransports");
    }
  }
}
