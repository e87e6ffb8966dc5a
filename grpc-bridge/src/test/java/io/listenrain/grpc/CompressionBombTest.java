package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Codec;
import io.grpc.Compressor;
import io.grpc.CompressorRegistry;
import io.grpc.Decompressor;
import io.grpc.DecompressorRegistry;
import io.grpc.ForwardingServerCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.internal.GrpcUtil;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A gzip message of about 1 MiB that inflates to 1 GiB, in both directions over a real loopback connection: the
 * receiving side stops inflating just past its max inbound message size, fails that call RESOURCE_EXHAUSTED, and
 * the connection serves the next call. The inflated bytes are counted by a gzip {@link Decompressor} registered in
 * the receiver's {@link DecompressorRegistry}.
 */
class CompressionBombTest {
  private static final long INFLATED = 1L << 30;
  private static final long SLACK = 64 * 1024;
  private static byte[] bomb;

  private Server server;
  private ManagedChannel channel;

  /**
   * gzip of one protobuf message, 1 GiB inflated: field 1 (payload, bytes) declaring 1 GiB - 6 bytes of zeros. Built
   * as 1,024 concatenated gzip members of 1 MiB each (gzip readers, grpc-java's included, read concatenated members
   * as one stream), so the test does not spend seconds deflating a gibibyte.
   */
  @BeforeAll
  static void buildBomb() throws IOException {
    int member = 1 << 20;
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    byte[] header = new byte[6];
    header[0] = 0x0a;
    long v = INFLATED - header.length;
    for (int i = 1; i < header.length; i++, v >>>= 7) {
      header[i] = (byte) (i < header.length - 1 ? (v & 0x7f) | 0x80 : v);
    }
    assertThat(v).isZero();
    gzip(first, header, member - header.length);
    ByteArrayOutputStream rest = new ByteArrayOutputStream();
    gzip(rest, new byte[0], member);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    first.writeTo(all);
    for (int i = 1; i < INFLATED / member; i++) {
      rest.writeTo(all);
    }
    bomb = all.toByteArray();
  }

  private static void gzip(ByteArrayOutputStream out, byte[] prefix, int zeros) throws IOException {
    try (GZIPOutputStream gz = new GZIPOutputStream(out) {
      {
        def.setLevel(Deflater.BEST_COMPRESSION);
      }
    }) {
      gz.write(prefix);
      gz.write(new byte[zeros]);
    }
  }

  /** Ignores the message it is given and sends the bomb instead. */
  private static final class BombCompressor implements Compressor {
    @Override
    public String getMessageEncoding() {
      return "gzip";
    }

    @Override
    public OutputStream compress(OutputStream os) {
      return new OutputStream() {
        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}

        @Override
        public void close() throws IOException {
          os.write(bomb);
          os.close();
        }
      };
    }
  }

  /** gzip that counts the bytes it inflates. */
  private static final class CountingGzip implements Decompressor {
    final AtomicLong inflated = new AtomicLong();

    @Override
    public String getMessageEncoding() {
      return "gzip";
    }

    @Override
    public InputStream decompress(InputStream is) throws IOException {
      return new FilterInputStream(new Codec.Gzip().decompress(is)) {
        @Override
        public int read() throws IOException {
          int b = super.read();
          if (b >= 0) {
            inflated.incrementAndGet();
          }
          return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          int n = super.read(b, off, len);
          if (n > 0) {
            inflated.addAndGet(n);
          }
          return n;
        }
      };
    }
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow();
      assertThat(server.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static EchoRequest request(String s) {
    return EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8(s)).build();
  }

  @Test
  void aBombFromTheClientFailsResourceExhaustedAfterAtMostMaxPlus64KiBOfOutputAndTheConnectionServesOn()
      throws Exception {
    assertThat(bomb.length).isLessThan(2 << 20);
    CountingGzip counting = new CountingGzip();
    AtomicBoolean handlerRan = new AtomicBoolean();
    server = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new EchoServiceImpl() {
          @Override
          public void echo(EchoRequest request, io.grpc.stub.StreamObserver<EchoResponse> out) {
            if (request.getPayload().size() > 1024) {
              handlerRan.set(true);
            }
            super.echo(request, out);
          }
        })
        .decompressorRegistry(DecompressorRegistry.emptyInstance().with(counting, true))
        .build().start();
    channel = ListenRainChannelBuilder.forSocketAddress(server.getListenSockets().get(0)).usePlaintext()
        .compressorRegistry(registryWith(new BombCompressor())).build();
    EchoServiceGrpc.EchoServiceBlockingStub stub =
        EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);

    long start = System.nanoTime();
    assertThatThrownBy(() -> stub.withCompression("gzip").echo(request("small")))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(counting.inflated.get()).isGreaterThan(GrpcUtil.DEFAULT_MAX_MESSAGE_SIZE)
        .isLessThanOrEqualTo(GrpcUtil.DEFAULT_MAX_MESSAGE_SIZE + SLACK);
    assertThat(handlerRan).isFalse();
    assertThat(stub.echo(request("next")).getPayload().toStringUtf8()).isEqualTo("next");
    System.out.printf(Locale.ROOT,
        "client bomb: %d compressed bytes, server inflated %d before refusing (max %d), %d ms%n",
        bomb.length, counting.inflated.get(), GrpcUtil.DEFAULT_MAX_MESSAGE_SIZE, millis);
  }

  @Test
  void aBombFromTheClientLogsAtMostOneLineWithoutAStackTracePerAttempt() throws Exception {
    List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler capture = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        String name = r.getLoggerName() == null ? "" : r.getLoggerName();
        if (r.getLevel().intValue() >= java.util.logging.Level.INFO.intValue()
            && (name.startsWith("io.grpc") || name.startsWith("io.listenrain"))) {
          records.add(r);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    root.addHandler(capture);
    try {
      server = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
          .addService(new EchoServiceImpl()).build().start();
      channel = ListenRainChannelBuilder.forSocketAddress(server.getListenSockets().get(0)).usePlaintext()
          .compressorRegistry(registryWith(new BombCompressor())).build();
      EchoServiceGrpc.EchoServiceBlockingStub stub =
          EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
      int attempts = 3;
      for (int i = 0; i < attempts; i++) {
        assertThatThrownBy(() -> stub.withCompression("gzip").echo(request("small")))
            .isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
      }
      assertThat(stub.echo(request("next")).getPayload().toStringUtf8()).isEqualTo("next");
      // Each attempt made grpc-core log SEVERE with a 25-line stack trace before; now at most one line each.
      assertThat(records).hasSizeLessThanOrEqualTo(attempts);
      assertThat(records).allSatisfy(r -> assertThat(r.getThrown()).as(r.getMessage()).isNull());
      System.out.printf(Locale.ROOT, "client bombs: %d attempts, %d log lines: %s%n", attempts, records.size(),
          records.stream().map(java.util.logging.LogRecord::getMessage).toList());
    } finally {
      root.removeHandler(capture);
    }
  }

  @Test
  void aBombFromTheServerFailsTheClientCallResourceExhaustedAndTheConnectionServesOn() throws Exception {
    CountingGzip counting = new CountingGzip();
    AtomicBoolean compress = new AtomicBoolean(true);
    ServerInterceptor gzipResponses = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        if (compress.get()) {
          call.setCompression("gzip");
        }
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) { }, headers);
      }
    };
    server = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(new EchoServiceImpl(), gzipResponses))
        .compressorRegistry(registryWith(new BombCompressor()))
        .build().start();
    channel = ListenRainChannelBuilder.forSocketAddress(server.getListenSockets().get(0)).usePlaintext()
        .decompressorRegistry(DecompressorRegistry.emptyInstance().with(Codec.Identity.NONE, false)
            .with(counting, true)).build();
    EchoServiceGrpc.EchoServiceBlockingStub stub =
        EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);

    // grpc-java's ClientCallImpl reports any failure to parse a response as CANCELLED "Failed to read message.",
    // with the deframer's RESOURCE_EXHAUSTED as the cause (the same over grpc-netty): the transport cannot change it.
    assertThatThrownBy(() -> stub.echo(request("small")))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
          assertThat(Status.fromThrowable(e.getStatus().getCause()).getCode())
              .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        });
    assertThat(counting.inflated.get()).isGreaterThan(GrpcUtil.DEFAULT_MAX_MESSAGE_SIZE)
        .isLessThanOrEqualTo(GrpcUtil.DEFAULT_MAX_MESSAGE_SIZE + SLACK);

    compress.set(false);
    assertThat(stub.echo(request("next")).getPayload().toStringUtf8()).isEqualTo("next");
    System.out.printf(Locale.ROOT,
        "server bomb: client inflated %d before refusing (max %d)%n", counting.inflated.get(),
        GrpcUtil.DEFAULT_MAX_MESSAGE_SIZE);
  }

  private static CompressorRegistry registryWith(Compressor c) {
    CompressorRegistry r = CompressorRegistry.newEmptyInstance();
    r.register(c);
    return r;
  }
}
