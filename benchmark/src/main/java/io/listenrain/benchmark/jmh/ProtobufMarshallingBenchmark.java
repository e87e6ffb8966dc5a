package io.listenrain.benchmark.jmh;

import com.google.protobuf.ByteString;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
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
 * What the generated stub's protobuf marshallers allocate for one unary echo call, both sides, with no transport at
 * all: the floor under the heap per call of every gRPC transport that carries protobuf messages as bytes
 * (grpc-netty and ListenRain-gRPC alike).
 *
 * <p>One invocation is the marshalling of one call as grpc-core does it: the client serializes the request (the
 * marshaller's stream is {@link Drainable}, drained into a pooled direct buffer, as grpc's framer drains it into the
 * transport's buffers), the server parses it from a {@link KnownLength} stream (as grpc's deframer hands it over),
 * the service builds the response around the request's payload (as the benchmark's echo service does), the server
 * serializes it and the client parses it. The buffer is reused, so {@code -prof gc}'s {@code gc.alloc.rate.norm} is
 * protobuf's and the marshallers' own allocation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ProtobufMarshallingBenchmark {
  @Param({"4096"})
  public int payloadSize;

  private final MethodDescriptor<EchoRequest, EchoResponse> method = EchoServiceGrpc.getEchoMethod();
  private EchoRequest request;
  private ByteBuf wire;

  @Setup(Level.Trial)
  public void setUp() {
    byte[] bytes = new byte[payloadSize];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) i;
    }
    request = EchoRequest.newBuilder().setPayload(ByteString.copyFrom(bytes)).build();
    wire = PooledByteBufAllocator.DEFAULT.directBuffer(payloadSize + 64);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    wire.release();
  }

  @Benchmark
  public EchoResponse unaryCall() throws IOException {
    serialize(method.streamRequest(request));
    EchoRequest received = method.parseRequest(new WireStream(wire));
    EchoResponse response = EchoResponse.newBuilder().setPayload(received.getPayload()).build();
    serialize(method.streamResponse(response));
    return method.parseResponse(new WireStream(wire));
  }

  private void serialize(InputStream message) throws IOException {
    wire.clear();
    try (ByteBufOutputStream out = new ByteBufOutputStream(wire)) {
      ((Drainable) message).drainTo(out);
    }
  }

  /** The serialized message as the receiving side's deframer presents it: a stream that knows its length. */
  private static final class WireStream extends InputStream implements KnownLength {
    private final ByteBuf buf;

    WireStream(ByteBuf buf) {
      this.buf = buf;
    }

    @Override
    public int available() {
      return buf.readableBytes();
    }

    @Override
    public int read() {
      return buf.isReadable() ? buf.readByte() & 0xff : -1;
    }

    @Override
    public int read(byte[] dst, int off, int len) {
      int n = Math.min(len, buf.readableBytes());
      if (n == 0) {
        return len == 0 ? 0 : -1;
      }
      buf.readBytes(dst, off, n);
      return n;
    }
  }
}
