package io.listenrain.grpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
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
 * The gRPC bridge's frame layer on a pooled allocator: {@link FrameWriter} building DATA and request HEADERS frames,
 * and {@link FrameReader} decoding them. Lives in the bridge's package (inside the benchmark module: a split package
 * on the classpath) because the frame classes are package-private.
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
  /** DATA payload size: below and above {@link FrameWriter#COPY_THRESHOLD}, and a full 16 KiB frame. */
  @Param({"64", "4096", "16384"})
  public int payloadSize;

  private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
  private final DiscardingListener listener = new DiscardingListener();
  private final FrameReader clientReader = new FrameReader(false, Wire.MAX_MAX_FRAME_SIZE);
  private final FrameReader serverReader = new FrameReader(true, Wire.MAX_MAX_FRAME_SIZE);
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
    dataFrame = FrameWriter.data(alloc, 3, false, payload.retainedDuplicate());
    metadata = MetadataCodecBenchmark.typicalRequestMetadata();
    headersFrame = FrameWriter.requestHeaders(alloc, 3, "/io.listenrain.proto.echo.EchoService/Echo",
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
    ByteBuf frame = FrameWriter.data(alloc, 3, false, payload.retainedDuplicate());
    bh.consume(frame.readableBytes());
    frame.release();
  }

  /** DATA frame decode: the listener receives a retained slice of the payload and releases it. */
  @Benchmark
  public void dataDecode() {
    clientReader.read(dataFrame, listener);
  }

  /** Request HEADERS with the typical 5-entry metadata of {@link MetadataCodecBenchmark}. */
  @Benchmark
  public void requestHeadersEncode(Blackhole bh) {
    ByteBuf frame = FrameWriter.requestHeaders(alloc, 3, "/io.listenrain.proto.echo.EchoService/Echo",
        "127.0.0.1:50051", metadata);
    bh.consume(frame.readableBytes());
    frame.release();
  }

  /** Request HEADERS decode on the server side: path, authority and metadata are materialized. */
  @Benchmark
  public void requestHeadersDecode(Blackhole bh) {
    serverReader.read(headersFrame, listener);
    bh.consume(listener.last);
  }

  /** Releases DATA payloads; keeps the last decoded object so the decode is not dead code. */
  static final class DiscardingListener implements FrameReader.Listener {
    Object last;

    @Override
    public void settings(Settings settings) {
      last = settings;
    }

    @Override
    public void settingsAck() {}

    @Override
    public void requestHeaders(int streamId, String path, String authority, byte[][] md) {
      last = md;
    }

    @Override
    public void responseHeaders(int streamId, byte[][] md) {
      last = md;
    }

    @Override
    public void data(int streamId, ByteBuf data, boolean endStream) {
      data.release();
    }

    @Override
    public void trailers(int streamId, int code, String message, byte[][] md) {
      last = md;
    }

    @Override
    public void rst(int streamId, int errorCode) {}

    @Override
    public void window(int streamId, int increment) {}

    @Override
    public void ping(boolean ack, long data) {}

    @Override
    public void goAway(int lastStreamId, int errorCode, String message) {
      last = message.getBytes(StandardCharsets.UTF_8);
    }
  }
}
