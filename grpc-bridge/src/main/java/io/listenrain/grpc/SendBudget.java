package io.listenrain.grpc;

import java.util.ArrayDeque;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Paces the readiness of new streams on one connection by the DATA bytes the connection still holds, so that
 * applications that wait for {@code onReady} before writing never have much more than a budget of serialized messages
 * queued on a connection. gRPC's {@code isReady()} is per stream: without this, every started call is ready at once,
 * and a thousand calls that each write a 4 MiB message put 4 GiB into transport buffers before flow control lets the
 * first one out.
 *
 * <h2>What is paced</h2>
 * Only readiness advice: a stream's <em>allocation</em> ({@code onStreamAllocated}, which makes {@code isReady()} true
 * and fires {@code onReady}). HEADERS and DATA flow exactly as without a budget, so an application that writes without
 * waiting is never held back (holding back bytes it already wrote could deadlock calls that depend on each other), and
 * such a write allocates its stream at once ({@link #wrote}): gRPC requires a stream that sends to be allocated.
 *
 * <h2>The rule</h2>
 * A stream asks for readiness when it is activated ({@link #requestReady}); it is granted at once, or waits in FIFO
 * order. A grant is made while
 * <ul>
 *   <li>the queued DATA bytes are below the budget, with hysteresis: once they reach the budget, no grant is made
 *       until they fall below half of it. Without it each frame written would re-open the gate for one stream whose
 *       message pushes the queue over again: grants would trickle one per frame and the queue would sit at the budget
 *       with an application wake-up per frame. With it grants come in batches while half a budget still keeps the
 *       socket busy; and</li>
 *   <li>the queued bytes plus a reservation for every granted stream that has not written a whole message yet stay
 *       below the budget. A grant reserves as much as the largest message written on this connection (the whole
 *       budget before the first message, at least a sixteenth of it after), because its message is on its way
 *       through the application's executor and not yet counted. That is what bounds a burst: a thousand streams
 *       started together are granted a message's worth at a time, not all at once. A reservation ends when the
 *       stream has written a whole message (or its end of stream), when it ends, or when the hold time lapses: a
 *       stream granted readiness that does not write (a bidi call waiting for the server) must not hold back other
 *       streams for ever.</li>
 * </ul>
 * With uniform messages the queued bytes thus stay within the budget plus one message (the grant made just below the
 * budget). When messages grow, the first round of grants can pass it by up to 16 of the new messages; an application
 * that ignores readiness can queue any amount, as before.
 *
 * <p>A stream that finishes while waiting leaves the queue without being allocated ({@link #closed}); every stream is
 * allocated at most once.
 *
 * <h2>Threads</h2>
 * I/O thread only; {@link Ticket#allocate} runs on it, with no lock held. Grants are re-evaluated when the owner calls
 * {@link #pump()} (after writes left the queue or streams ended) and when a reservation's hold time ends: the owner
 * schedules {@link #wakeUp()} after the delay it is given.
 */
final class SendBudget {
  /** Default budget per connection: 32 MiB (eight 4 MiB messages). */
  static final long DEFAULT_BUDGET = 32L * 1024 * 1024;
  /** Default hold of a grant's reservation: 10 ms, ample for an application to answer {@code onReady}. */
  static final long DEFAULT_HOLD_NANOS = 10_000_000L;

  /**
   * A reservation is at least 1/16 of the budget: a connection that carried small messages so far admits at most 16
   * unwritten grants at once, should the next messages be large.
   */
  private static final long MIN_RESERVATION_DIVISOR = 16;

  private static final int NEW = 0;
  private static final int EARLY = 1;
  private static final int WAITING = 2;
  private static final int RESERVED = 3;
  private static final int ALLOCATED = 4;
  private static final int CLOSED = 5;

  /** One stream's readiness. */
  static final class Ticket {
    private final Runnable allocate;
    private int state = NEW;
    private long deadline;
    private long partial;

    /** @param allocate reports the stream allocated; run at most once, on the I/O thread */
    Ticket(Runnable allocate) {
      this.allocate = allocate;
    }
  }

  private final long budget;
  private final long holdNanos;
  private final LongSupplier ticker;
  private final LongSupplier queuedBytes;
  private final LongConsumer wakeUpIn;
  private final ArrayDeque<Ticket> waiting = new ArrayDeque<>();
  private final ArrayDeque<Ticket> reservations = new ArrayDeque<>();
  private int waitingCount;
  private int reservedCount;
  /** The largest message written on the connection; 0 before the first. */
  private long largestMessage;
  private boolean throttled;
  private boolean wakeUpScheduled;
  private boolean pumping;

  /**
   * @param budget queued DATA bytes above which new streams wait for readiness; {@link Long#MAX_VALUE} turns pacing
   *     off (every stream is allocated when activated)
   * @param holdNanos how long a grant's reservation lasts if its stream does not write
   * @param ticker the clock, in nanoseconds
   * @param queuedBytes the DATA bytes the connection holds that are not yet written
   * @param wakeUpIn asked to call {@link #wakeUp()} on the I/O thread after the given nanoseconds
   */
  SendBudget(long budget, long holdNanos, LongSupplier ticker, LongSupplier queuedBytes, LongConsumer wakeUpIn) {
    if (budget <= 0) {
      throw new IllegalArgumentException("send budget must be positive: " + budget);
    }
    if (holdNanos < 0) {
      throw new IllegalArgumentException("hold must not be negative: " + holdNanos);
    }
    this.budget = budget;
    this.holdNanos = holdNanos;
    this.ticker = ticker;
    this.queuedBytes = queuedBytes;
    this.wakeUpIn = wakeUpIn;
  }

  /** Streams waiting for readiness. */
  int waiting() {
    return waitingCount;
  }

  /** The stream is active (its HEADERS are out): allocates it now if the budget allows, else queues it. */
  void requestReady(Ticket t) {
    if (t.state == EARLY || budget == Long.MAX_VALUE) {
      allocate(t, ALLOCATED);
      return;
    }
    if (t.state != NEW) {
      return;
    }
    t.state = WAITING;
    waiting.add(t);
    waitingCount++;
    pump();
  }

  /**
   * The application handed {@code bytes} of DATA to the transport for this stream; {@code messageEnd} if they end a
   * message or the stream (gRPC's framer hands a large message over in several parts). A stream still waiting is
   * allocated at once (the application did not wait for readiness); a reservation ends with the first whole message.
   */
  void wrote(Ticket t, int bytes, boolean messageEnd) {
    t.partial += bytes;
    if (messageEnd) {
      largestMessage = Math.max(largestMessage, t.partial);
      t.partial = 0;
    }
    switch (t.state) {
      case NEW -> t.state = EARLY;
      case WAITING -> {
        waitingCount--;
        allocate(t, ALLOCATED); // its entry in the queue is skipped
      }
      case RESERVED -> {
        if (messageEnd) {
          t.state = ALLOCATED;
          reservedCount--;
        }
      }
      default -> { }
    }
  }

  /** The stream ended: it leaves the queue or ends its reservation, and is never allocated after this. */
  void closed(Ticket t) {
    if (t.state == WAITING) {
      waitingCount--;
    } else if (t.state == RESERVED) {
      reservedCount--;
    }
    t.state = CLOSED;
  }

  /**
   * A scheduled hold time ended: reservations past their deadline lapse, then grants are re-evaluated. Only here do
   * reservations lapse, never in {@link #pump()}: the owner runs this behind the commands already queued for the I/O
   * thread, so a message written in time (even one written by an {@code onReady} that ran on the I/O thread itself,
   * whose write command waits behind other commands) is counted before its reservation can lapse.
   */
  void wakeUp() {
    wakeUpScheduled = false;
    pump(true);
  }

  /** Grants readiness to waiting streams, in order, as far as the budget allows. */
  void pump() {
    pump(false);
  }

  private void pump(boolean lapse) {
    if (pumping) {
      return;
    }
    pumping = true;
    try {
      while (waitingCount > 0) {
        long now = ticker.getAsLong();
        Ticket r;
        while ((r = reservations.peekFirst()) != null
            && (r.state != RESERVED || lapse && r.deadline - now <= 0)) {
          reservations.pollFirst();
          if (r.state == RESERVED) {
            r.state = ALLOCATED;
            reservedCount--;
          }
        }
        long queued = queuedBytes.getAsLong();
        if (throttled && queued >= budget - budget / 2 || queued >= budget) { // half, rounded up
          throttled = true;
          return; // the next write that leaves the queue pumps again
        }
        throttled = false;
        long perGrant = largestMessage == 0 ? budget
            : Math.max(largestMessage, -Math.floorDiv(-budget, MIN_RESERVATION_DIVISOR)); // rounded up
        if (reservedCount > 0 && queued + Math.min((double) budget, (double) reservedCount * perGrant) >= budget) {
          if (!wakeUpScheduled && r != null) {
            wakeUpScheduled = true;
            wakeUpIn.accept(Math.max(1, r.deadline - now));
          }
          // r is the oldest live reservation: the wake-up comes at its deadline (or, if past it, at once).
          return;
        }
        Ticket t = waiting.poll();
        if (t.state != WAITING) {
          continue; // allocated by an early write, or closed
        }
        waitingCount--;
        t.deadline = now + holdNanos;
        reservedCount++;
        reservations.add(t);
        allocate(t, RESERVED);
      }
      waiting.clear(); // only skipped entries are left
    } finally {
      pumping = false;
    }
  }

  private static void allocate(Ticket t, int state) {
    t.state = state;
    t.allocate.run();
  }
}
