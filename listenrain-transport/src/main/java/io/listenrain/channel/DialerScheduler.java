package io.listenrain.channel;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The default {@link Dialer.Scheduler}: one shared daemon thread that only waits and hands the task on. */
final class DialerScheduler {
  private DialerScheduler() {}

  static Dialer.Scheduler shared() {
    return Holder.SCHEDULER;
  }

  private static final class Holder {
    static final ScheduledThreadPoolExecutor EXECUTOR = create();
    static final Dialer.Scheduler SCHEDULER =
        (task, delay) -> EXECUTOR.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);

    private static ScheduledThreadPoolExecutor create() {
      ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "listenrain-dialer");
        t.setDaemon(true);
        return t;
      });
      e.setRemoveOnCancelPolicy(true);
      return e;
    }
  }
}
