package io.listenrain.benchmark.jmh;

import io.listenrain.state.StateMachine;
import io.listenrain.state.StateMachinePool;
import io.listenrain.state.StateMachinePools;
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

/**
 * The msgID to call map of a client transport ({@link StateMachinePool}): a call registers before it is sent and the
 * response removes it. {@code callCycle} is that pair for a fresh, increasing msgID (as clients number their calls),
 * {@code removeHitPutBack} a lookup that finds its entry (and puts it back), {@code removeMiss} a response for no call (late, after a timeout). {@code inFlight} other calls are
 * registered meanwhile; {@code impl} compares the pools.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StateMachinePoolBenchmark {
  @Param({"0", "10000"})
  public int inFlight;

  @Param({"concurrent", "striped"})
  public String impl;

  private StateMachinePool<Object> pool;
  private final StateMachine<Object> machine = new StateMachine<>() {
    @Override
    public void process(long msgId, Object message) {}

    @Override
    public void timeout(long msgId) {}

    @Override
    public void failed(long msgId, Throwable cause) {}
  };
  private long nextId;
  private long hitId;

  @Setup(Level.Trial)
  public void setUp() {
    pool = impl.equals("concurrent") ? StateMachinePools.concurrent() : StateMachinePools.striped();
    // The in-flight calls hold ids far below the measured ones, as older calls do.
    for (long i = 1; i <= inFlight; i++) {
      pool.putIfAbsent(i, machine);
    }
    nextId = 1L << 32;
    hitId = inFlight == 0 ? 7 : inFlight / 2;
    pool.putIfAbsent(hitId, machine);
  }

  /** Register a new call and remove it by its response's msgID. */
  @Benchmark
  public boolean callCycle() {
    long id = nextId++;
    pool.putIfAbsent(id, machine);
    return pool.remove(id) != null;
  }

  /** Remove an entry that is there and put it back: a lookup hit plus the put that keeps the map steady. */
  @Benchmark
  public StateMachine<Object> removeHitPutBack() {
    StateMachine<Object> sm = pool.remove(hitId);
    pool.putIfAbsent(hitId, machine);
    return sm;
  }

  /** A response whose call is gone. */
  @Benchmark
  public StateMachine<Object> removeMiss() {
    return pool.remove(-5 - (nextId++ & 1023));
  }
}
