package io.listenrain.grpc;

import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Ordered hand-off of commands from application threads to a connection's I/O thread (the role of grpc-java's
 * {@code WriteQueue}). Any thread {@link #enqueue}s; the I/O thread drains everything queued in one task and then runs
 * the after-batch hook (the transport writes pending frames there), so many commands share one flush.
 *
 * <p>A command enqueued {@linkplain #enqueueWithoutFlush without flush} does not wake the I/O thread: it waits for
 * the next {@link #enqueue} (or a drain already scheduled), the way grpc-java's {@code WriteQueue} lets a unary call's
 * request HEADERS ride with its DATA. One wake-up per call instead of one per frame matters most when the I/O
 * thread sleeps between calls (one call in flight, a thread-pool executor): every wake-up is a system call and a
 * context switch on both sides. The caller must make sure an {@link #enqueue} follows.
 *
 * <p>Commands always run later, never inline, even when enqueued from the I/O thread: that keeps callbacks that
 * re-enter the transport (an {@code onReady} that writes) from nesting inside the flow controller.
 *
 * <p>Commands queued while a drain runs (by the I/O thread itself: a handler on the direct executor whose
 * {@code onReady}, called from the after-batch hook, writes its next messages; or by other threads meanwhile) are
 * run by the same task, in another round, until the task has handed {@link #MAX_BYTES_PER_TASK} bytes to the
 * connection or run {@link #MAX_ROUNDS} rounds. The frames of all rounds then reach the connection's outbound queue
 * before its drain (scheduled by the first frame) runs, so they share one flush and one system call. A lone command
 * still runs in the first round and is flushed right after the task: nothing waits for more work. The bounds keep a
 * producer that is always ready from holding the I/O thread away from reads and timers, and keep one flush from
 * carrying a whole flow-control window: the peer should start reading (and returning credit) while more is written.
 */
final class CommandQueue implements Runnable {
  private static final Logger log = Logger.getLogger(CommandQueue.class.getName());
  /** Most drain-and-write rounds one task runs before it yields the I/O thread (and reschedules itself). */
  static final int MAX_ROUNDS = 16;
  /**
   * Once a task has written this many bytes it runs no further round. 256 KiB: eight rounds of a stream's default
   * 32 KiB on-ready threshold, a quarter of the default 1 MiB window.
   */
  static final long MAX_BYTES_PER_TASK = 256 * 1024;

  private final Executor executor;
  private final Runnable afterBatch;
  private final LongSupplier bytesSent;
  private final Queue<Runnable> queue = PlatformDependent.newMpscQueue();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  /**
   * @param afterBatch runs after each round of commands, on the I/O thread (the transport writes pending frames)
   * @param bytesSent the bytes the transport has handed to its connection so far, read on the I/O thread
   */
  CommandQueue(Executor executor, Runnable afterBatch, LongSupplier bytesSent) {
    this.executor = executor;
    this.afterBatch = afterBatch;
    this.bytesSent = bytesSent;
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
      long start = bytesSent.getAsLong();
      int rounds = 0;
      do {
        Runnable c;
        while ((c = queue.poll()) != null) {
          try {
            c.run();
          } catch (RuntimeException e) {
            log.log(Level.WARNING, "transport command failed", e);
          }
        }
        afterBatch.run();
      } while (++rounds < MAX_ROUNDS && !queue.isEmpty() && bytesSent.getAsLong() - start < MAX_BYTES_PER_TASK);
    } finally {
      scheduled.set(false);
      if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
        executor.execute(this);
      }
    }
  }
}
