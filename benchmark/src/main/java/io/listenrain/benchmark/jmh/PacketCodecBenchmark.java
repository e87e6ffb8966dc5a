package io.listenrain.benchmark.jmh;

import io.listenrain.codec.LengthPrefixedPacketCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link LengthPrefixedPacketCodec} on pooled direct buffers: framing one packet, and decoding a run of packets
 * from one cumulation buffer, as a connection's reader does. Every buffer is released inside the benchmark, so
 * {@code -prof gc} shows what the codec itself allocates (the goal is ~0 B/op).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PacketCodecBenchmark {
  /** Packets per decode invocation. */
  static final int PACKETS_PER_DECODE = 16;

  @Param({"64", "4096", "262144"})
  public int payloadSize;

  private final LengthPrefixedPacketCodec codec = LengthPrefixedPacketCodec.defaultCodec();
  private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
  private ByteBuf payload;
  private ByteBuf wire;
  private Consumer<ByteBuf> release;

  @Setup(Level.Trial)
  public void setUp() {
    payload = alloc.directBuffer(payloadSize, payloadSize);
    for (int i = 0; i < payloadSize; i++) {
      payload.writeByte(i);
    }
    wire = alloc.directBuffer(PACKETS_PER_DECODE * (payloadSize + LengthPrefixedPacketCodec.HEADER_LENGTH));
    for (int i = 0; i < PACKETS_PER_DECODE; i++) {
      wire.writeInt(payloadSize).writeBytes(payload, 0, payloadSize);
    }
    release = ByteBuf::release;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    payload.release();
    wire.release();
  }

  /** Frames one packet: the codec takes a reference to the payload and emits header + payload, then both go. */
  @Benchmark
  public void encode() {
    codec.encode(payload.retainedDuplicate(), alloc, release);
  }

  /** Decodes {@value #PACKETS_PER_DECODE} packets from one buffer, releasing each retained slice. */
  @Benchmark
  public void decode(Blackhole bh) {
    wire.readerIndex(0);
    ByteBuf packet;
    while ((packet = codec.decode(wire)) != null) {
      bh.consume(packet.getByte(0));
      packet.release();
    }
  }
}
