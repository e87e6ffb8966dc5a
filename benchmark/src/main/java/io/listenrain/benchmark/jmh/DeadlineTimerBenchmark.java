package io.listenrain.benchmark.jmh;

import io.listenrain.timer.DeadlineTimer;
import io.listenrain.timer.Ticker;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link DeadlineTimer}, the min-heap behind every client call's timeout, driven by a fake ticker: what one call
 * costs the timer thread. {@code scheduleCancel} is the common life of a call (the response comes first),
 * {@code scheduleExpire} a call that times out. {@code inFlight} other deadlines sit in the heap meanwhile, spread
 * over a minute, so a new entry sifts through a realistic depth (10k: ~14 levels).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DeadlineTimerBenchmark {
  private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

  @Param({"0", "10000"})
  public int inFlight;

  private long now;
  private DeadlineTimer<Object> timer;
  private final Object value = new Object();
  private long[] delays;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    Ticker ticker = () -> now;
    timer = new DeadlineTimer<>(ticker);
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < inFlight; i++) {
      timer.schedule(MINUTE + random.nextLong(MINUTE), value); // never due during the run: now stays put
    }
    // New calls get deadlines interleaved with the background ones, so they sift to a random depth.
    delays = new long[1024];
    for (int i = 0; i < delays.length; i++) {
      delays[i] = MINUTE + random.nextLong(MINUTE);
    }
  }

  /** One call answered in time: its deadline goes in and comes out again. */
  @Benchmark
  public boolean scheduleCancel() {
    DeadlineTimer.Entry<Object> e = timer.schedule(delays[next++ & 1023], value);
    return timer.cancel(e);
  }

  /** One call timing out: a deadline that is already due goes in and a tick expires it. */
  @Benchmark
  public int scheduleExpire(Blackhole bh) {
    timer.schedule(0, value);
    return timer.expire(now, bh::consume);
  }
}
