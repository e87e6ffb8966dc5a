package io.listenrain.client;

import io.listenrain.timer.DeadlineTimer;
import io.listenrain.timer.Ticker;
import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
import java.util.function.Consumer;

/**
 * The deadlines of one client transport's calls: a min-heap owned by the timer thread alone, fed through two
 * multi-producer queues. A sender posts each new call ({@link #add}); whichever side ends a call posts it for removal
 * ({@link #ended}); each {@link #tick} drains both and expires what is due. The read-timeout watch, also timer-thread
 * state, sits beside it in {@link ClientTransport}.
 *
 * <p>Thread rules: {@link #add} and {@link #ended} from any thread; {@link #tick} on the timer thread only.
 */
final class CallDeadlines<M> {
  private final Queue<Call<M>> adds = PlatformDependent.newMpscQueue();
  private final Queue<Call<M>> cancels = PlatformDependent.newMpscQueue();
  private final DeadlineTimer<Call<M>> timer; // timer thread only
  private volatile int size;

  CallDeadlines(Ticker ticker) {
    this.timer = new DeadlineTimer<>(ticker);
  }

  /** A new call: the next tick schedules its deadline (unless it has ended by then). */
  void add(Call<M> call) {
    adds.offer(call);
  }

  /** {@code call} has ended (marked by the caller): its deadline, if scheduled, goes at the next tick. */
  void ended(Call<M> call) {
    if (call.inTimer) {
      cancels.offer(call);
    }
  }

  /**
   * Timer thread: schedules the new calls, drops the ended ones, and hands every call due at {@code now} to
   * {@code expired}.
   */
  void tick(long now, Consumer<Call<M>> expired) {
    Call<M> c;
    while ((c = adds.poll()) != null) {
      if (c.ended) {
        continue;
      }
      c.timerEntry = timer.scheduleFrom(c.startNanos, c.timeoutNanos, c);
      c.inTimer = true;
      if (c.ended) {
        timer.cancel(c.timerEntry); // ended while we scheduled it; its side may not have seen inTimer
      }
    }
    while ((c = cancels.poll()) != null) {
      if (c.timerEntry != null) {
        timer.cancel(c.timerEntry);
      }
    }
    timer.expire(now, expired);
    size = timer.size();
  }

  /** Whether calls are waiting to be scheduled (a tick must still run for them). */
  boolean hasPendingAdds() {
    return !adds.isEmpty();
  }

  /** Entries in the heap as of the last tick. */
  int size() {
    return size;
  }
}
