package io.listenrain.state;

import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.collection.LongObjectMap;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A {@link StateMachinePool} on primitive-keyed open-addressing maps, split into lock stripes: registering and ending
 * a call allocate nothing (no boxed msgID, no map node), where a {@code ConcurrentHashMap<Long, ...>} allocates a
 * {@code Long} per lookup outside the small-value cache and a node per entry.
 *
 * <p>A msgID's stripe is chosen by a mixed hash, so sequential msgIDs spread over every stripe and threads working on
 * different calls rarely meet on one lock. Each stripe is guarded by its own monitor; no method holds two stripes at
 * once, and {@link #forEach} calls its action after copying a stripe's entries and releasing its lock (the action may
 * call back into this pool).
 */
final class StripedStateMachinePool<E> implements StateMachinePool<E> {
  /** Lock stripes: a power of two, a few times the cores that touch one transport's pool at once. */
  static final int STRIPES = 16;
  private static final int INITIAL_STRIPE_CAPACITY = 16;

  private final Stripe<E>[] stripes;

  @SuppressWarnings("unchecked") // Generic array creation: the array never escapes this class.
  StripedStateMachinePool() {
    stripes = (Stripe<E>[]) new Stripe<?>[STRIPES];
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Stripe<>();
    }
  }

  private Stripe<E> stripe(long msgId) {
    long h = msgId * 0x9E3779B97F4A7C15L; // Fibonacci hashing: the top bits depend on every bit of the id
    return stripes[(int) (h >>> 60) & (STRIPES - 1)];
  }

  @Override
  public E putIfAbsent(long msgId, E machine) {
    Stripe<E> s = stripe(msgId);
    synchronized (s) {
      E old = s.map.get(msgId);
      if (old == null) {
        s.map.put(msgId, machine);
      }
      return old;
    }
  }

  @Override
  public E remove(long msgId) {
    Stripe<E> s = stripe(msgId);
    synchronized (s) {
      return s.map.remove(msgId);
    }
  }

  @Override
  public boolean remove(long msgId, E machine) {
    Stripe<E> s = stripe(msgId);
    synchronized (s) {
      if (s.map.get(msgId) != machine) {
        return false;
      }
      s.map.remove(msgId);
      return true;
    }
  }

  @Override
  public int size() {
    int n = 0;
    for (Stripe<E> s : stripes) {
      synchronized (s) {
        n += s.map.size();
      }
    }
    return n;
  }

  @Override
  public void forEach(BiConsumer<Long, E> action) {
    List<Long> ids = new ArrayList<>();
    List<E> machines = new ArrayList<>();
    for (Stripe<E> s : stripes) {
      ids.clear();
      machines.clear();
      synchronized (s) {
        for (LongObjectMap.PrimitiveEntry<E> e : s.map.entries()) {
          ids.add(e.key());
          machines.add(e.value());
        }
      }
      for (int i = 0; i < ids.size(); i++) {
        action.accept(ids.get(i), machines.get(i));
      }
    }
  }

  @Override
  public String toString() {
    return "StripedStateMachinePool(" + size() + " calls)";
  }

  private static final class Stripe<E> {
    final LongObjectHashMap<E> map = new LongObjectHashMap<>(INITIAL_STRIPE_CAPACITY);
  }
}
