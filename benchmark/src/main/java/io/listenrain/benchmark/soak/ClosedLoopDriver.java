package io.listenrain.benchmark.soak;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Keeps {@code window} calls in flight: a thread takes a slot, starts a call through its {@link Issuer}, and the
 * call's ending gives the slot back. A failed call's slot comes back after {@link #FAILURE_PAUSE_MILLIS}, so that a
 * server that is down sees a steady trickle of retries rather than a busy loop of instant failures.
 */
final class ClosedLoopDriver {
  static final long FAILURE_PAUSE_MILLIS = 20;

  /** Starts one call; must call {@code done} exactly once when it ends, from any thread. */
  interface Issuer {
    void issue(Done done);
  }

  /** The ending of a call started by an {@link Issuer}. */
  interface Done {
    void done(boolean failed);
  }

  private final Semaphore slots;
  private final int window;
  private final Issuer issuer;
  private final ScheduledExecutorService pauses;
  private final Thread thread;
  private volatile boolean stopped;

  ClosedLoopDriver(String name, int window, Issuer issuer, ScheduledExecutorService pauses) {
    this.window = window;
    this.slots = new Semaphore(window);
    this.issuer = issuer;
    this.pauses = pauses;
    this.thread = new Thread(this::loop, name);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void loop() {
    while (!stopped) {
      try {
        slots.acquire();
      } catch (InterruptedException e) {
        return;
      }
      if (stopped) {
        return;
      }
      issuer.issue(this::ended);
    }
  }

  private void ended(boolean failed) {
    if (failed && !stopped) {
      pauses.schedule(() -> slots.release(), FAILURE_PAUSE_MILLIS, TimeUnit.MILLISECONDS);
    } else {
      slots.release();
    }
  }

  /** Stops starting calls; calls in flight still end. */
  void stop() throws InterruptedException {
    stopped = true;
    thread.interrupt();
    thread.join();
  }

  int window() {
    return window;
  }
}
