package io.listenrain.state;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/** Built-in {@link StateMachinePool}s. */
public final class StateMachinePools {
  private StateMachinePools() {}

  /**
   * The default pool: primitive msgID keys in lock-striped open-addressing maps. Registering and ending a call
   * allocate nothing; threads on different msgIDs rarely share a stripe.
   */
  public static <M> StateMachinePool<M> striped() {
    return new StripedStateMachinePool<>();
  }

  /**
   * A pool on a {@link ConcurrentHashMap}: lock-free reads, per-bin locking on updates, a boxed msgID per lookup
   * and a node per entry.
   */
  public static <M> StateMachinePool<M> concurrent() {
    return new Concurrent<>();
  }

  private static final class Concurrent<M> implements StateMachinePool<M> {
    private final ConcurrentHashMap<Long, StateMachine<M>> map = new ConcurrentHashMap<>(256);

    @Override
    public StateMachine<M> putIfAbsent(long msgId, StateMachine<M> machine) {
      return map.putIfAbsent(msgId, machine);
    }

    @Override
    public StateMachine<M> remove(long msgId) {
      return map.remove(msgId);
    }

    @Override
    public boolean remove(long msgId, StateMachine<M> machine) {
      return map.remove(msgId, machine);
    }

    @Override
    public int size() {
      return map.size();
    }

    @Override
    public void forEach(BiConsumer<Long, StateMachine<M>> action) {
      map.forEach(action);
    }
  }
}
