package io.listenrain.benchmark.harness;

import io.listenrain.benchmark.spi.CallListener;
import io.listenrain.benchmark.spi.Payload;
import io.listenrain.benchmark.spi.PingPong;
import io.listenrain.benchmark.spi.Session;
import io.listenrain.benchmark.spi.StreamListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives one cell: {@code parallel} slots, each a closed loop that keeps exactly one call (or one stream) outstanding
 * and starts the next when it completes. A slot whose call fails stops; the others go on.
 *
 * <h2>Threads</h2>
 * Slots are advanced from the contender's completion threads. A contender may complete a call inside the very
 * {@code unary(...)} that started it (in-process gRPC with a direct executor does): each slot therefore runs a
 * trampoline, so that completion starts the next call in the outer frame instead of recursing without bound.
 *
 * <h2>Time</h2>
 * Latency is taken with the injected ticker; the harness decides when the measured window opens and closes
 * ({@link #measuring(boolean)}), and then {@link #stop()}s and {@link #awaitStopped drains} the loop.
 */
final class ClosedLoop {
  private static final ExecutorService STARTERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "bench-slot-starter");
    t.setDaemon(true);
    return t;
  });

  private final Session session;
  private final CellSpec spec;
  private final LongSupplier ticker;
  private final Payload payload;
  private final Recorder latency = new Recorder(3);
  private final LongAdder completed = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
  private final CountDownLatch stopped;
  private final List<Slot> slots = new ArrayList<>();
  private volatile boolean running = true;
  private volatile boolean measuring;

  ClosedLoop(Session session, CellSpec spec, LongSupplier ticker) {
    this.session = session;
    this.spec = spec;
    this.ticker = ticker;
    this.payload = Payload.of(spec.payloadBytes());
    this.stopped = new CountDownLatch(spec.parallel());
  }

  /**
   * Starts every slot, each from a starter thread of its own: a contender that completes calls synchronously turns
   * the slot into a loop on that thread, which must be neither the harness's thread nor another slot's.
   */
  void start() {
    for (int i = 0; i < spec.parallel(); i++) {
      Slot s = switch (spec.workload()) {
        case UNARY -> new UnarySlot();
        case SERVER_STREAM -> new ServerStreamSlot();
        case BIDI_PING_PONG -> new PingPongSlot();
      };
      slots.add(s);
    }
    for (Slot s : slots) {
      STARTERS.execute(s::advance);
    }
  }

  /** Opens or closes the measured window for latency recording. */
  void measuring(boolean on) {
    measuring = on;
  }

  /** Asks every slot to stop after its outstanding call. */
  void stop() {
    running = false;
  }

  /** Waits until every slot has stopped (normally or by failure), up to {@code timeoutNanos}. */
  boolean awaitStopped(long timeoutNanos) throws InterruptedException {
    return stopped.await(timeoutNanos, TimeUnit.NANOSECONDS);
  }

  /** Waits for up to {@code nanos}, returning early if every slot has died. */
  void runFor(long nanos) throws InterruptedException {
    stopped.await(nanos, TimeUnit.NANOSECONDS);
  }

  /** Slots still running or draining. */
  long outstanding() {
    return stopped.getCount();
  }

  long completed() {
    return completed.sum();
  }

  long failed() {
    return failed.sum();
  }

  Throwable firstFailure() {
    return firstFailure.get();
  }

  /** The latencies recorded since the previous call (the first call discards the warm-up's). */
  Histogram takeLatencies() {
    return latency.getIntervalHistogram();
  }

  private void recordFailure(Throwable t) {
    failed.increment();
    firstFailure.compareAndSet(null, t);
  }

  /** One closed loop with a trampoline: {@link #advance()} may be called re-entrantly or from any thread. */
  private abstract class Slot {
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicBoolean done = new AtomicBoolean();

    final void advance() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      do {
        if (done.get()) {
          continue;
        }
        if (!running) {
          finish();
          markStopped();
          continue;
        }
        try {
          step();
        } catch (RuntimeException e) {
          recordFailure(e);
          markStopped();
        }
      } while (wip.decrementAndGet() != 0);
    }

    /** Starts the next call; never called concurrently with itself. */
    abstract void step();

    /** Called once when the slot stops normally (for example, to half-close a stream). */
    void finish() {}

    final void markStopped() {
      if (done.compareAndSet(false, true)) {
        stopped.countDown();
      }
    }

    final void failedWith(Throwable t) {
      if (!done.get()) {
        recordFailure(t);
        markStopped();
      }
    }
  }

  private final class UnarySlot extends Slot implements CallListener {
    private final boolean whenReady = spec.payloadBytes() == BenchPlan.BIG_PAYLOAD
        && spec.parallel() == BenchPlan.BIG_PARALLEL;
    private long startNanos;

    @Override
    void step() {
      startNanos = ticker.getAsLong();
      if (whenReady) {
        session.unaryWhenReady(payload, this);
      } else {
        session.unary(payload, this);
      }
    }

    @Override
    public void onResponse() {
      if (measuring) {
        latency.recordValue(Math.max(0, ticker.getAsLong() - startNanos));
      }
      completed.increment();
      advance();
    }

    @Override
    public void onFailure(Throwable cause) {
      failedWith(cause);
    }
  }

  private final class PingPongSlot extends Slot implements CallListener {
    private PingPong stream;
    private long startNanos;

    @Override
    void step() {
      if (stream == null) {
        stream = session.pingPong(payload, this);
      }
      startNanos = ticker.getAsLong();
      stream.ping();
    }

    @Override
    void finish() {
      if (stream != null) {
        stream.finish();
      }
    }

    @Override
    public void onResponse() {
      if (measuring) {
        latency.recordValue(Math.max(0, ticker.getAsLong() - startNanos));
      }
      completed.increment();
      advance();
    }

    @Override
    public void onFailure(Throwable cause) {
      failedWith(cause);
    }
  }

  private final class ServerStreamSlot extends Slot implements StreamListener {
    @Override
    void step() {
      session.serverStream(payload, this);
    }

    @Override
    public void onResponse() {
      completed.increment();
    }

    @Override
    public void onCompleted() {
      advance();
    }

    @Override
    public void onFailure(Throwable cause) {
      failedWith(cause);
    }
  }
}
