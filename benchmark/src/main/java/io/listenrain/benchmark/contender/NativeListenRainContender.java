package io.listenrain.benchmark.contender;

import io.listenrain.benchmark.spi.CallListener;
import io.listenrain.benchmark.spi.Contender;
import io.listenrain.benchmark.spi.ExecutorMode;
import io.listenrain.benchmark.spi.Payload;
import io.listenrain.benchmark.spi.Session;
import io.listenrain.benchmark.spi.Workload;
import io.listenrain.codec.BytesMessage;
import io.listenrain.codec.MessageCodec;
import io.listenrain.codec.RawBytesMessageCodec;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.config.TransportKey;
import io.listenrain.examples.benchproto.BenchCodec;
import io.listenrain.exec.CallbackExecutors;
import io.listenrain.protocol.Protocol;
import io.listenrain.protocol.ProtocolRegisterTable;
import io.listenrain.server.Server;
import io.listenrain.state.StateMachine;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The native ListenRain API, as a user writes it: a protocol registered in a {@link ProtocolRegisterTable} with the
 * raw-bytes message codec (8-byte msgID + payload, zero-copy both ways), a server whose router echoes each request,
 * and a client that sends with a {@link StateMachine}. Runs in both executor modes: the protocol's default callback
 * pool, and the direct executor (callbacks on the I/O threads, like gRPC's {@code directExecutor()}).
 *
 * <p>The {@link #goBench()} row speaks the Go original's benchmark protocol instead ({@link BenchCodec}: a 36-byte
 * opaque msgID, correlated by its bytes, then the payload): the opaque-id path next to the long-id one.
 */
final class NativeListenRainContender implements Contender {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final ExecutorMode mode;
  /** Whether this row speaks the Go benchmark protocol (opaque 36-byte ids) instead of raw bytes (long ids). */
  private final boolean goBench;

  private NativeListenRainContender(ExecutorMode mode, boolean goBench) {
    this.mode = mode;
    this.goBench = goBench;
  }

  /** The two rows: default executor and direct executor, over loopback TCP. */
  static List<Contender> bothModes() {
    return List.of(new NativeListenRainContender(ExecutorMode.DEFAULT, false),
        new NativeListenRainContender(ExecutorMode.DIRECT, false));
  }

  /** The native API speaking the Go benchmark protocol, default executor, loopback TCP. */
  static Contender goBench() {
    return new NativeListenRainContender(ExecutorMode.DEFAULT, true);
  }

  @Override
  public String name() {
    return (goBench ? "listenrain-native-gobench-tcp/" : "listenrain-native-tcp/") + mode.label();
  }

  @Override
  public String group() {
    return "listenrain-native";
  }

  @Override
  public String transport() {
    return "tcp";
  }

  @Override
  public ExecutorMode executorMode() {
    return mode;
  }

  @Override
  public Set<Workload> workloads() {
    return Set.of(Workload.UNARY);
  }

  @Override
  public Session open() throws Exception {
    Executor executor = mode == ExecutorMode.DIRECT ? CallbackExecutors.direct() : CallbackExecutors.defaultExecutor();
    ProtocolRegisterTable table = new ProtocolRegisterTable();
    MessageCodec<BytesMessage> codec = goBench ? BenchCodec.instance() : RawBytesMessageCodec.instance();
    Protocol<BytesMessage> echo = table.register(ProtocolSpec.builder("bench-echo", codec)
        .executor(executor)
        .defaultTimeout(TIMEOUT)
        .build());
    try {
      // The echo router hands the request's payload straight back: no copy, ownership moves to the response.
      Server server = echo.listen(Endpoints.loopbackEphemeral(), (response, msgId, request) -> response.send(request));
      return new NativeSession(table, echo, echo.key(server.localAddress()), goBench);
    } catch (Exception | Error e) {
      table.close();
      throw e;
    }
  }

  private static final class NativeSession implements Session {
    private final ProtocolRegisterTable table;
    private final Protocol<BytesMessage> protocol;
    private final TransportKey key;
    private final AtomicLong nextId = new AtomicLong();
    private final boolean goBench;

    NativeSession(ProtocolRegisterTable table, Protocol<BytesMessage> protocol, TransportKey key, boolean goBench) {
      this.table = table;
      this.protocol = protocol;
      this.key = key;
      this.goBench = goBench;
    }

    @Override
    public void unary(Payload request, CallListener listener) {
      long id = nextId.incrementAndGet();
      // The Go client's ids: its counter as a space-padded 36-byte decimal, carried as opaque bytes.
      BytesMessage message = goBench
          ? new BytesMessage(BenchCodec.decimalId(id), request.directBuffer().duplicate())
          : new BytesMessage(id, request.directBuffer().duplicate());
      protocol.send(key, message, new StateMachine<BytesMessage>() {
        @Override
        public void process(long msgId, BytesMessage response) {
          boolean ok;
          long size;
          try {
            ok = request.matches(response.content());
            size = response.content().readableBytes();
          } finally {
            response.release();
          }
          if (ok) {
            listener.onResponse();
          } else {
            listener.onFailure(request.mismatch(size));
          }
        }

        @Override
        public void timeout(long msgId) {
          listener.onFailure(new IllegalStateException("call " + msgId + " timed out"));
        }

        @Override
        public void failed(long msgId, Throwable cause) {
          listener.onFailure(cause);
        }
      });
    }

    @Override
    public void close() {
      table.close();
    }
  }
}
