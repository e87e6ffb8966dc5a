package io.listenrain.state;

import java.util.function.BiConsumer;

/**
 * The calls in flight on one transport, keyed by msgID: the original framework's StatMachinePool. The transport
 * registers a call with {@link #putIfAbsent} before sending it, and whoever removes the entry (the response, the
 * timer, a failure or a cancel) is the one that ends the call; that makes every ending happen exactly once.
 *
 * <p>Implementations are thread-safe and should not contend between threads working on different msgIDs
 * (the default, {@link StateMachinePools#striped()}, locks one of several stripes per msgID). No method calls back
 * into user code.
 *
 * @param <M> the protocol's message type
 */
public interface StateMachinePool<M> {

  /**
   * Registers {@code machine} under {@code msgId} unless another one is there. Returns {@code null} on success, or
   * the state machine already registered (the msgID is in use; nothing changed).
   */
  StateMachine<M> putIfAbsent(long msgId, StateMachine<M> machine);

  /** Removes and returns the state machine under {@code msgId}, or {@code null}. */
  StateMachine<M> remove(long msgId);

  /** Removes the entry only if it maps {@code msgId} to {@code machine}; returns whether it did. */
  boolean remove(long msgId, StateMachine<M> machine);

  /** How many calls are registered. */
  int size();

  /** Visits every registered entry; concurrent changes may or may not be seen. */
  void forEach(BiConsumer<Long, StateMachine<M>> action);
}
