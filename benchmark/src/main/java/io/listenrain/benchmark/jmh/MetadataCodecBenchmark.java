package io.listenrain.benchmark.jmh;

import io.listenrain.grpc.InternalGrpcFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

/**
 * The gRPC bridge's metadata codec (through {@link InternalGrpcFrames}) encoding and decoding on a pooled buffer, for
 * a typical request's five headers and for a block just under the bridge's default 8 KiB metadata limit
 * ({@link InternalGrpcFrames#DEFAULT_MAX_METADATA_SIZE}, HTTP/2
 * accounting). Decode allocates the {@code byte[][]} grpc-java's {@code InternalMetadata.newMetadata} takes, so its
 * B/op is the size of what it hands out; encode should be ~0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MetadataCodecBenchmark {
  /** {@code typical}: 5 request headers (~200 B); {@code nearLimit}: 8 KiB accounting minus one entry's worth. */
  @Param({"typical", "nearLimit"})
  public String shape;

  private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
  private byte[][] metadata;
  private ByteBuf encoded;
  private ByteBuf scratch;

  /** What grpc-java serializes for a typical unary request: user agent, encodings, deadline and two app headers. */
  static byte[][] typicalRequestMetadata() {
    return pairs(
        "user-agent", "grpc-java-listenrain/1.76.0",
        "grpc-accept-encoding", "gzip",
        "grpc-timeout", "59999872u",
        "x-request-id", "4f9b2c1e-8a47-4d36-9e0b-6c2d7f5a1b3e",
        "authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiZW5jaCJ9.c2lnbmF0dXJl");
  }

  /** Entries of 32 B accounting overhead + 16 B name + 200 B value, as many as fit under 8 KiB. */
  static byte[][] nearLimitMetadata() {
    List<String> kv = new ArrayList<>();
    int per = InternalGrpcFrames.METADATA_ENTRY_OVERHEAD + 16 + 200;
    for (int i = 0; (i + 1) * per <= InternalGrpcFrames.DEFAULT_MAX_METADATA_SIZE; i++) {
      kv.add(String.format(Locale.ROOT, "x-bench-head-%03d", i));
      kv.add("v".repeat(200));
    }
    return pairs(kv.toArray(new String[0]));
  }

  private static byte[][] pairs(String... kv) {
    byte[][] out = new byte[kv.length][];
    for (int i = 0; i < kv.length; i++) {
      out[i] = kv[i].getBytes(StandardCharsets.US_ASCII);
    }
    return out;
  }

  @Setup(Level.Trial)
  public void setUp() {
    metadata = shape.equals("typical") ? typicalRequestMetadata() : nearLimitMetadata();
    if (InternalGrpcFrames.metadataSize(metadata) > InternalGrpcFrames.DEFAULT_MAX_METADATA_SIZE) {
      throw new IllegalStateException("metadata over the limit: " + InternalGrpcFrames.metadataSize(metadata));
    }
    int length = InternalGrpcFrames.metadataEncodedLength(metadata);
    encoded = alloc.directBuffer(length, length);
    InternalGrpcFrames.encodeMetadata(metadata, encoded);
    scratch = alloc.directBuffer(length, length);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    encoded.release();
    scratch.release();
  }

  /** Writes the block into a reused buffer. */
  @Benchmark
  public int encode() {
    scratch.clear();
    InternalGrpcFrames.encodeMetadata(metadata, scratch);
    return scratch.writerIndex();
  }

  /** Length of a block, as the frame writer computes it before allocating. */
  @Benchmark
  public int encodedLength() {
    return InternalGrpcFrames.metadataEncodedLength(metadata);
  }

  /** Reads the block back into a fresh {@code byte[][]}. */
  @Benchmark
  public byte[][] decode() {
    encoded.readerIndex(0);
    return InternalGrpcFrames.decodeMetadata(encoded, encoded.writerIndex());
  }
}
