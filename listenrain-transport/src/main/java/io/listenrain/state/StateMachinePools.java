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
  public static <E> StateMachinePool<E> striped() {
    return new StripedStateMachinePool<>();
  }

  /**
   * A pool on a {@link ConcurrentHashMap}: lock-free reads, per-bin locking on updates, a boxed msgID per lookup
   * and a node per entry.
   */
  public static <E> StateMachinePool<E> concurrent() {
    return new Concurrent<>();
  }

  private static final class Concurrent<E> implements StateMachinePool<E> {
    private final ConcurrentHashMap<Long, E> map = new ConcurrentHashMap<>(256);

    @Override
    public E putIfAbsent(long msgId, E machine) {
      return map.putIfAbsent(msgId, machine);
    }

    @Override
    public E remove(long msgId) {
      return map.remove(msgId);
    }

    @Override
    public boolean remove(long msgId, E machine) {
      return map.remove(msgId, machine);
    }

    @Override
    public int size() {
      return map.size();
    }

    @Override
    public void forEach(BiConsumer<Long, E> action) {
      map.forEach(action);
    }
  }
}
