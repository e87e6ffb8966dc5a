package io.listenrain.grpc;

import java.util.concurrent.TimeUnit;

/**
 * Bounds the response DATA one server connection holds queued behind its peer's flow-control windows. A client that
 * advertises tiny windows and never reads would otherwise make the server keep every response its handlers write:
 * 300 unary calls asking for 1 MiB each cost 34 KB of requests and 300 MiB of server memory (issue #12, finding 1).
 *
 * <h2>The rule</h2>
 * A connection becomes <em>saturated</em> when a write finds its queued response bytes at or over the budget, and
 * stays so until the peer has read them down below half of it (hysteresis, so that a connection at the edge does not
 * flap once per frame). While saturated:
 * <ul>
 *   <li>new streams are refused (RST REFUSED_STREAM; a client retries them on another connection);</li>
 *   <li>the transport runs a deadline: a connection still saturated when it ends is closed with
 *       GOAWAY(ENHANCE_YOUR_CALM) and everything it holds is released.</li>
 * </ul>
 * And whatever the state, a response DATA write that finds twice the budget queued fails its call
 * (RESOURCE_EXHAUSTED, the stream reset) instead of being queued: the queue never exceeds twice the budget by more
 * than one write (at most 1 MiB, the framer's largest buffer). The slack between the two is for a client that reads:
 * when many calls answer at once (10,000 calls on one connection, answered together, queue about 80 MB), nothing
 * tells it at write time from one that never reads, only time does; the deadline then tells them apart.
 *
 * <p>I/O thread only. The transport owns the timer; this class only keeps the state.
 */
final class ResponseBudget {
  /**
   * Default budget per connection: 64 MiB. Twice the send budget at which the server already holds back connection
   * credit, so a client that reads never gets near it: a reading client keeps the queue within the send budget plus
   * a window and a message.
   */
  static final long DEFAULT_BUDGET = 64L * 1024 * 1024;
  /** Default time a connection may stay saturated before it is closed: 30 s. */
  static final long DEFAULT_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final long budget;
  /** Twice the budget: writes that find this much queued fail. */
  private final long hardLimit;
  private boolean saturated;
  private long saturations;
  private long refusedWrites;

  /** @param budget queued bytes at which the connection saturates; {@link Long#MAX_VALUE} turns the budget off */
  ResponseBudget(long budget) {
    if (budget <= 0) {
      throw new IllegalArgumentException("response budget must be positive: " + budget);
    }
    this.budget = budget;
    this.hardLimit = budget > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : 2 * budget;
  }

  long budget() {
    return budget;
  }

  boolean saturated() {
    return saturated;
  }

  /** Times the connection saturated. */
  long saturations() {
    return saturations;
  }

  /** Writes refused so far. */
  long refusedWrites() {
    return refusedWrites;
  }

  /**
   * A handler writes response DATA while {@code queued} bytes wait; the connection may saturate now (the caller
   * compares {@link #saturations()} to start its deadline). True: queue it. False: twice the budget is queued, fail
   * the call.
   */
  boolean admit(long queued) {
    if (budget == Long.MAX_VALUE) {
      return true;
    }
    if (!saturated && queued >= budget) {
      saturated = true;
      saturations++;
    }
    if (queued >= hardLimit) {
      refusedWrites++;
      return false;
    }
    return true;
  }

  /** Bytes left the queue, {@code queued} remain: true if the connection stops being saturated now. */
  boolean drained(long queued) {
    if (saturated && queued < budget - budget / 2) { // half, rounded up
      saturated = false;
      return true;
    }
    return false;
  }
}
