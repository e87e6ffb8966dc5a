package io.listenrain.benchmark.jmh;

import io.listenrain.codec.BytesMessage;
import io.listenrain.codec.RawBytesMessageCodec;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.config.TransportKey;
import io.listenrain.exec.CallbackExecutors;
import io.listenrain.protocol.Protocol;
import io.listenrain.protocol.ProtocolRegisterTable;
import io.listenrain.server.Server;
import io.listenrain.state.StateMachine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * End-to-end native echo over loopback TCP, client and server in this JVM: the heap one native call costs, both
 * sides together. Each invocation sends {@value #BATCH} calls and waits for their responses, so {@code -prof gc}'s
 * {@code gc.alloc.rate.norm} (which sums every thread's allocation: caller, I/O threads, callback pool, timer) is per
 * call.
 *
 * <p>The caller's own objects are kept to what a user cannot avoid: one {@link BytesMessage} per request around a
 * recycled duplicate of a pooled 4 KiB direct buffer. The state machine is shared by every call (the
 * {@link StateMachine} contract allows reuse), so what remains is the transport's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@OperationsPerInvocation(NativeEchoBenchmark.BATCH)
public class NativeEchoBenchmark {
  /** Calls outstanding per invocation. */
  static final int BATCH = 16;

  @Param({"4096"})
  public int payloadSize;

  /** {@code direct}: callbacks on the I/O threads; {@code default}: the shared callback pool. */
  @Param({"direct", "default"})
  public String executor;

  private ProtocolRegisterTable table;
  private Protocol<BytesMessage> protocol;
  private TransportKey key;
  private ByteBuf payload;
  private long nextId;
  private final AtomicInteger remaining = new AtomicInteger();
  private final AtomicInteger failures = new AtomicInteger();
  private volatile Thread waiter;
  private final StateMachine<BytesMessage> machine = new StateMachine<>() {
    @Override
    public void process(long msgId, BytesMessage response) {
      if (response.content().readableBytes() != payloadSize) {
        failures.incrementAndGet();
      }
      response.release();
      done();
    }

    @Override
    public void timeout(long msgId) {
      failures.incrementAndGet();
      done();
    }

    @Override
    public void failed(long msgId, Throwable cause) {
      failures.incrementAndGet();
      done();
    }
  };

  private void done() {
    if (remaining.decrementAndGet() == 0) {
      LockSupport.unpark(waiter);
    }
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Executor ex = executor.equals("direct") ? CallbackExecutors.direct() : CallbackExecutors.defaultExecutor();
    table = new ProtocolRegisterTable();
    protocol = table.register(ProtocolSpec.builder("jmh-echo", RawBytesMessageCodec.instance())
        .executor(ex)
        .defaultTimeout(Duration.ofSeconds(30))
        .build());
    Server server = protocol.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        (response, msgId, request) -> response.send(request));
    key = protocol.key(server.localAddress());
    payload = PooledByteBufAllocator.DEFAULT.directBuffer(payloadSize, payloadSize);
    payload.writerIndex(payloadSize);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    table.close();
    payload.release();
    if (failures.get() != 0) {
      throw new IllegalStateException(failures.get() + " calls failed");
    }
  }

  /** {@value #BATCH} calls in flight at once, then wait for all of them. */
  @Benchmark
  public void echo() {
    waiter = Thread.currentThread();
    remaining.set(BATCH);
    for (int i = 0; i < BATCH; i++) {
      protocol.send(key, new BytesMessage(++nextId, payload.retainedDuplicate()), machine);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (remaining.get() != 0) {
      LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(remaining.get() + " calls unanswered after 30 s");
      }
    }
  }
}
