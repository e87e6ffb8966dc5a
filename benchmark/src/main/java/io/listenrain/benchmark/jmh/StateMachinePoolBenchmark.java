package io.listenrain.benchmark.jmh;

import io.listenrain.codec.MsgId;
import io.listenrain.state.StateMachine;
import io.listenrain.state.StateMachinePool;
import io.listenrain.state.StateMachinePools;
import java.util.concurrent.ConcurrentHashMap;
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
 * {@code removeHitPutBack} a lookup that finds its entry (and puts it back), {@code removeMiss} a response for no
 * call (late, after a timeout). {@code inFlight} other calls are
 * registered meanwhile; {@code impl} compares the pools.
 *
 * <p>{@code opaque} is the table a client transport keeps for a codec with opaque msgIDs (issue 13): a
 * {@code ConcurrentHashMap<MsgId, ...>} keyed by the id's bytes, here 36-byte space-padded decimals as the Go
 * benchmark sends. Each operation builds its {@link MsgId}s from bytes, as decoding a response does (a 36-byte copy and
 * a hash), so the figures compare what a call costs on each path, not just the map.
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

  @Param({"concurrent", "striped", "opaque"})
  public String impl;

  private StateMachinePool<StateMachine<Object>> pool;
  private ConcurrentHashMap<MsgId, StateMachine<Object>> opaque;
  private boolean isOpaque;
  private final byte[] field = new byte[36];
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
    isOpaque = impl.equals("opaque");
    pool = impl.equals("concurrent") ? StateMachinePools.concurrent() : StateMachinePools.striped();
    opaque = new ConcurrentHashMap<>(256);
    // The in-flight calls hold ids far below the measured ones, as older calls do.
    for (long i = 1; i <= inFlight; i++) {
      put(i);
    }
    nextId = 1L << 32;
    hitId = inFlight == 0 ? 7 : inFlight / 2;
    put(hitId);
  }

  /** The 36-byte id of {@code id} as the Go benchmark writes it, built from bytes as a decoder does. */
  private MsgId opaqueId(long id) {
    java.util.Arrays.fill(field, (byte) ' ');
    long v = id < 0 ? -id : id;
    int i = field.length;
    do {
      field[--i] = (byte) ('0' + v % 10);
      v /= 10;
    } while (v != 0);
    if (id < 0) {
      field[--i] = '-';
    }
    return MsgId.of(field);
  }

  private StateMachine<Object> put(long id) {
    return isOpaque ? opaque.putIfAbsent(opaqueId(id), machine) : pool.putIfAbsent(id, machine);
  }

  private StateMachine<Object> remove(long id) {
    return isOpaque ? opaque.remove(opaqueId(id)) : pool.remove(id);
  }

  /** Register a new call and remove it by its response's msgID. */
  @Benchmark
  public boolean callCycle() {
    long id = nextId++;
    put(id);
    return remove(id) != null;
  }

  /** Remove an entry that is there and put it back: a lookup hit plus the put that keeps the map steady. */
  @Benchmark
  public StateMachine<Object> removeHitPutBack() {
    StateMachine<Object> sm = remove(hitId);
    put(hitId);
    return sm;
  }

  /** A response whose call is gone. */
  @Benchmark
  public StateMachine<Object> removeMiss() {
    return remove(-5 - (nextId++ & 1023));
  }
}
