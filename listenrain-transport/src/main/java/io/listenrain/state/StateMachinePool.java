package io.listenrain.state;

import java.util.function.BiConsumer;

/**
 * The calls in flight on one transport, keyed by msgID: the original framework's StatMachinePool. The transport
 * registers a call with {@link #putIfAbsent} before sending it, and whoever removes the entry (the response, the
 * timer, a failure or a cancel) is the one that ends the call; that makes every ending happen exactly once.
 *
 * <p>Implementations are thread-safe and should not contend between threads working on different msgIDs
 * (the default, {@link StateMachinePools#striped()}, locks one of several stripes per msgID). No method calls back
 * into user code, and no method looks inside an entry.
 *
 * @param <E> the entry type: the client transport stores its own call record (which holds the user's
 *     {@link StateMachine}), so a pool is generic in what it stores rather than tied to {@code StateMachine}
 */
public interface StateMachinePool<E> {

  /**
   * Registers {@code entry} under {@code msgId} unless another one is there. Returns {@code null} on success, or
   * the entry already registered (the msgID is in use; nothing changed).
   */
  E putIfAbsent(long msgId, E entry);

  /** Removes and returns the entry under {@code msgId}, or {@code null}. */
  E remove(long msgId);

  /** Removes the entry only if it maps {@code msgId} to {@code entry}; returns whether it did. */
  boolean remove(long msgId, E entry);

  /** How many calls are registered. */
  int size();

  /** Visits every registered entry; concurrent changes may or may not be seen. */
  void forEach(BiConsumer<Long, E> action);

  /**
   * Makes empty pools of any entry type, one per client transport; {@code StateMachinePools::striped} and
   * {@code StateMachinePools::concurrent} are two. Called once per transport, from the thread that creates it.
   */
  @FunctionalInterface
  interface Factory {
    /** A new, empty pool. */
    <E> StateMachinePool<E> create();
  }
}
