package io.listenrain.grpc;

import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Ordered hand-off of commands from application threads to a connection's I/O thread (the role of grpc-java's
 * {@code WriteQueue}). Any thread {@link #enqueue}s; the I/O thread drains everything queued in one task and then runs
 * the after-batch hook once (the transport writes pending frames there), so many commands share one flush.
 *
 * <p>Commands always run later, never inline, even when enqueued from the I/O thread: that keeps callbacks that
 * re-enter the transport (an {@code onReady} that writes) from nesting inside the flow controller.
 */
final class CommandQueue implements Runnable {
  private static final Logger log = Logger.getLogger(CommandQueue.class.getName());

  private final Executor executor;
  private final Runnable afterBatch;
  private final Queue<Runnable> queue = PlatformDependent.newMpscQueue();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  CommandQueue(Executor executor, Runnable afterBatch) {
    this.executor = executor;
    this.afterBatch = afterBatch;
  }

  void enqueue(Runnable command) {
    queue.add(command);
    if (scheduled.compareAndSet(false, true)) {
      executor.execute(this);
    }
  }

  @Override
  public void run() {
    try {
      Runnable c;
      while ((c = queue.poll()) != null) {
        try {
          c.run();
        } catch (RuntimeException e) {
          log.log(Level.WARNING, "transport command failed", e);
        }
      }
      afterBatch.run();
    } finally {
      scheduled.set(false);
      if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
        executor.execute(this);
      }
    }
  }
}
