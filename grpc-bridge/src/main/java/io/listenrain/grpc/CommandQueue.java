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
 * <p>A command enqueued {@linkplain #enqueueWithoutFlush without flush} does not wake the I/O thread: it waits for
 * the next {@link #enqueue} (or a drain already scheduled), the way grpc-java's {@code WriteQueue} lets a unary call's
 * request HEADERS ride with its DATA. One wake-up per call instead of one per frame matters most when the I/O
 * thread sleeps between calls (one call in flight, a thread-pool executor): every wake-up is a system call and a
 * context switch on both sides. The caller must make sure an {@link #enqueue} follows.
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

  /** Queues {@code command} and makes sure a drain will run it. */
  void enqueue(Runnable command) {
    queue.add(command);
    if (scheduled.compareAndSet(false, true)) {
      executor.execute(this);
    }
  }

  /** Queues {@code command} for the next drain, without scheduling one: a later {@link #enqueue} must follow. */
  void enqueueWithoutFlush(Runnable command) {
    queue.add(command);
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
