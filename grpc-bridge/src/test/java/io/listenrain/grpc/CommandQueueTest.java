package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The command queue on a real event loop: commands run in order, on the loop, in as few loop tasks as the work
 * allows, and a producer that never stops cannot keep the loop from its other tasks.
 */
class CommandQueueTest {
  private final EventLoop loop = new DefaultEventLoop();
  /** Tasks the queue handed to the loop. */
  private final AtomicInteger tasks = new AtomicInteger();
  /** Bytes the transport would have written: what the queue's byte budget counts. */
  private final AtomicLong written = new AtomicLong();
  private final Executor counting = r -> {
    tasks.incrementAndGet();
    loop.execute(r);
  };

  @AfterEach
  void tearDown() throws Exception {
    loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
  }

  @Test
  void aLoneCommandRunsInOneTaskWithOneAfterBatchCall() throws Exception {
    AtomicInteger batches = new AtomicInteger();
    CompletableFuture<Void> done = new CompletableFuture<>();
    CommandQueue q = new CommandQueue(counting, () -> {
      batches.incrementAndGet();
      done.complete(null);
    }, written::get);

    q.enqueue(() -> { });

    done.get(10, TimeUnit.SECONDS);
    loop.submit(() -> { }).get(10, TimeUnit.SECONDS); // the task has returned
    assertThat(batches).hasValue(1);
    assertThat(tasks).hasValue(1);
  }

  @Test
  void commandsQueuedByTheAfterBatchHookRunInTheSameTaskInOrder() throws Exception {
    List<Integer> ran = new ArrayList<>();
    AtomicInteger batches = new AtomicInteger();
    CompletableFuture<Void> done = new CompletableFuture<>();
    CommandQueue[] q = new CommandQueue[1];
    // The hook plays a direct-executor handler whose onReady writes its next message: 4 more rounds of work.
    q[0] = new CommandQueue(counting, () -> {
      int b = batches.incrementAndGet();
      if (b < 5) {
        q[0].enqueue(() -> ran.add(b * 10));
        q[0].enqueue(() -> ran.add(b * 10 + 1));
      } else {
        done.complete(null);
      }
    }, written::get);

    q[0].enqueue(() -> ran.add(0));

    done.get(10, TimeUnit.SECONDS);
    loop.submit(() -> { }).get(10, TimeUnit.SECONDS);
    assertThat(ran).containsExactly(0, 10, 11, 20, 21, 30, 31, 40, 41);
    assertThat(batches).hasValue(5);
    assertThat(tasks).as("one loop task for all five rounds").hasValue(1);
  }

  @Test
  void aProducerThatNeverStopsYieldsTheLoopAfterMaxRounds() throws Exception {
    AtomicInteger batches = new AtomicInteger();
    CompletableFuture<Integer> batchesSeenByOtherTask = new CompletableFuture<>();
    CommandQueue[] q = new CommandQueue[1];
    q[0] = new CommandQueue(counting, () -> {
      batches.incrementAndGet();
      if (!batchesSeenByOtherTask.isDone()) {
        q[0].enqueue(() -> { }); // always more work, until the other task has run
      }
    }, written::get);

    loop.execute(() -> {
      q[0].enqueue(() -> { });
      loop.execute(() -> batchesSeenByOtherTask.complete(batches.get())); // queued behind the first drain
    });

    assertThat(batchesSeenByOtherTask.get(10, TimeUnit.SECONDS)).isEqualTo(CommandQueue.MAX_ROUNDS);
    loop.submit(() -> { }).get(10, TimeUnit.SECONDS);
    assertThat(tasks.get()).as("the queue rescheduled itself behind the other task").isGreaterThanOrEqualTo(2);
  }

  @Test
  void aTaskRunsNoFurtherRoundOnceItHasWrittenItsByteBudget() throws Exception {
    AtomicInteger batches = new AtomicInteger();
    CompletableFuture<Integer> batchesSeenByOtherTask = new CompletableFuture<>();
    long perRound = CommandQueue.MAX_BYTES_PER_TASK / 3 + 1; // the budget is spent in the third round
    CommandQueue[] q = new CommandQueue[1];
    q[0] = new CommandQueue(counting, () -> {
      batches.incrementAndGet();
      written.addAndGet(perRound);
      if (!batchesSeenByOtherTask.isDone()) {
        q[0].enqueue(() -> { });
      }
    }, written::get);

    loop.execute(() -> {
      q[0].enqueue(() -> { });
      loop.execute(() -> batchesSeenByOtherTask.complete(batches.get()));
    });

    assertThat(batchesSeenByOtherTask.get(10, TimeUnit.SECONDS)).isEqualTo(3);
  }
}
