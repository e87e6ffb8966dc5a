package io.listenrain.benchmark.jmh;

import io.listenrain.grpc.InternalGrpcFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The gRPC bridge's frame layer on a pooled allocator: its frame writer building DATA and request HEADERS frames,
 * and its frame reader decoding them. The frame classes are package-private; {@link InternalGrpcFrames} opens them
 * to this module.
 *
 * <p>Every buffer is released inside the benchmark, so {@code -prof gc} shows what the frame code itself allocates:
 * ~0 B/op for DATA both ways; HEADERS decode allocates the path, authority and metadata values it hands out.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GrpcFrameBenchmark {
  /** DATA payload size: below and above {@link InternalGrpcFrames#DATA_COPY_THRESHOLD}, and a full 16 KiB frame. */
  @Param({"64", "4096", "16384"})
  public int payloadSize;

  private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
  private final InternalGrpcFrames.DiscardingReader clientReader = InternalGrpcFrames.discardingReader(false);
  private final InternalGrpcFrames.DiscardingReader serverReader = InternalGrpcFrames.discardingReader(true);
  private ByteBuf payload;
  private ByteBuf dataFrame;
  private ByteBuf headersFrame;
  private byte[][] metadata;

  @Setup(Level.Trial)
  public void setUp() {
    payload = alloc.directBuffer(payloadSize, payloadSize);
    for (int i = 0; i < payloadSize; i++) {
      payload.writeByte(i);
    }
    dataFrame = InternalGrpcFrames.data(alloc, 3, false, payload.retainedDuplicate());
    metadata = MetadataCodecBenchmark.typicalRequestMetadata();
    headersFrame = InternalGrpcFrames.requestHeaders(alloc, 3, "/io.listenrain.proto.echo.EchoService/Echo",
        "127.0.0.1:50051", metadata);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    payload.release();
    dataFrame.release();
    headersFrame.release();
  }

  /** DATA frame around a payload the writer takes ownership of (copied below 1 KiB, composed above). */
  @Benchmark
  public void dataEncode(Blackhole bh) {
    ByteBuf frame = InternalGrpcFrames.data(alloc, 3, false, payload.retainedDuplicate());
    bh.consume(frame.readableBytes());
    frame.release();
  }

  /** DATA frame decode: the listener receives a retained slice of the payload and releases it. */
  @Benchmark
  public Object dataDecode() {
    return clientReader.read(dataFrame);
  }

  /** Request HEADERS with the typical 5-entry metadata of {@link MetadataCodecBenchmark}. */
  @Benchmark
  public void requestHeadersEncode(Blackhole bh) {
    ByteBuf frame = InternalGrpcFrames.requestHeaders(alloc, 3, "/io.listenrain.proto.echo.EchoService/Echo",
        "127.0.0.1:50051", metadata);
    bh.consume(frame.readableBytes());
    frame.release();
  }

  /** Request HEADERS decode on the server side: path, authority and metadata are materialized. */
  @Benchmark
  public void requestHeadersDecode(Blackhole bh) {
    bh.consume(serverReader.read(headersFrame));
  }
}
