package io.listenrain.timer;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A passive timer: a binary min-heap of deadlines that fires nothing by itself. Its owner schedules entries and
 * polls {@link #expire(long, Consumer)} with the current time, for example from a periodic tick.
 *
 * <ul>
 *   <li>{@link #schedule} and {@link #cancel} are O(log n): each {@link Entry} keeps its index in the heap.</li>
 *   <li>Deadlines are kept relative to the timer's creation and saturate, so a delay of {@link Long#MAX_VALUE}
 *       simply never fires (no overflow into the past).</li>
 *   <li>Time comes from an injected {@link Ticker}; {@code expire} takes the reading as a parameter.</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * Not thread-safe: one owner thread calls every method. Other threads hand their schedules and cancels to the owner
 * (the client transport does this through a command queue drained on each tick).
 *
 * @param <T> what an entry carries to the expiry callback
 */
public final class DeadlineTimer<T> {
  private static final int INITIAL_CAPACITY = 64;

  private final Ticker ticker;
  private final long origin;
  @SuppressWarnings("unchecked") // Generic array creation: the array never escapes this class.
  private Entry<T>[] heap = (Entry<T>[]) new Entry<?>[INITIAL_CAPACITY];
  private int size;

  public DeadlineTimer(Ticker ticker) {
    this.ticker = ticker;
    this.origin = ticker.nanoTime();
  }

  /** The ticker this timer reads. */
  public Ticker ticker() {
    return ticker;
  }

  /** Schedules {@code value} to expire {@code delayNanos} after now. */
  public Entry<T> schedule(long delayNanos, T value) {
    return scheduleFrom(ticker.nanoTime(), delayNanos, value);
  }

  /**
   * Schedules {@code value} to expire {@code delayNanos} after {@code startNanos}, an earlier reading of this timer's
   * ticker (a caller that registers a deadline later than it computed it uses this).
   */
  public Entry<T> scheduleFrom(long startNanos, long delayNanos, T value) {
    if (delayNanos < 0) {
      delayNanos = 0;
    }
    Entry<T> e = new Entry<>(saturatedAdd(startNanos - origin, delayNanos), value);
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    e.index = size;
    heap[size++] = e;
    siftUp(e.index);
    return e;
  }

  /**
   * Removes {@code entry} if it is still scheduled. Returns whether it was; cancelling an expired or already
   * cancelled entry does nothing.
   */
  public boolean cancel(Entry<T> entry) {
    int i = entry.index;
    if (i < 0 || i >= size || heap[i] != entry) {
      return false;
    }
    removeAt(i);
    return true;
  }

  /**
   * Removes every entry whose deadline is at or before {@code nowNanos} (a reading of the ticker), earliest first,
   * handing each value to {@code expired}. Returns how many expired.
   */
  public int expire(long nowNanos, Consumer<? super T> expired) {
    long now = nowNanos - origin;
    int n = 0;
    while (size > 0 && heap[0].deadline <= now) {
      Entry<T> e = heap[0];
      removeAt(0);
      n++;
      expired.accept(e.value);
    }
    return n;
  }

  /** Expires against the ticker's current reading. */
  public int expire(Consumer<? super T> expired) {
    return expire(ticker.nanoTime(), expired);
  }

  /** How many entries are scheduled. */
  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** Nanoseconds from {@code nowNanos} to the earliest deadline (0 if already due), or -1 if nothing is scheduled. */
  public long nanosUntilNext(long nowNanos) {
    if (size == 0) {
      return -1;
    }
    return Math.max(0, heap[0].deadline - (nowNanos - origin));
  }

  private void removeAt(int i) {
    Entry<T> removed = heap[i];
    removed.index = -1;
    int last = --size;
    if (i != last) {
      Entry<T> moved = heap[last];
      heap[i] = moved;
      moved.index = i;
      heap[last] = null;
      siftDown(i);
      if (heap[i] == moved) {
        siftUp(i);
      }
    } else {
      heap[last] = null;
    }
  }

  private void siftUp(int i) {
    Entry<T> e = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      Entry<T> p = heap[parent];
      if (p.deadline <= e.deadline) {
        break;
      }
      heap[i] = p;
      p.index = i;
      i = parent;
    }
    heap[i] = e;
    e.index = i;
  }

  private void siftDown(int i) {
    Entry<T> e = heap[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && heap[right].deadline < heap[child].deadline) {
        child = right;
      }
      Entry<T> c = heap[child];
      if (e.deadline <= c.deadline) {
        break;
      }
      heap[i] = c;
      c.index = i;
      i = child;
    }
    heap[i] = e;
    e.index = i;
  }

  static long saturatedAdd(long a, long b) {
    long r = a + b;
    // Overflow iff both operands have the same sign and the result's sign differs.
    if (((a ^ r) & (b ^ r)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return r;
  }

  /** One scheduled deadline. Only the owning timer changes it. */
  public static final class Entry<T> {
    final long deadline;
    final T value;
    int index = -1;

    Entry(long deadline, T value) {
      this.deadline = deadline;
      this.value = value;
    }

    /** The value handed to the expiry callback. */
    public T value() {
      return value;
    }

    /** Whether the entry is still in its timer's heap. */
    public boolean isScheduled() {
      return index >= 0;
    }
  }
}
