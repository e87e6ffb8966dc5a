package io.listenrain.benchmark.soak;

import io.grpc.Server;
import io.listenrain.benchmark.contender.BenchEchoService;
import io.listenrain.codec.BytesMessage;
import io.listenrain.codec.RawBytesMessageCodec;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.errors.ConnectionClosedException;
import io.listenrain.grpc.ListenRainServerBuilder;
import io.listenrain.protocol.Protocol;
import io.listenrain.protocol.ProtocolRegisterTable;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The two servers under soak, each on a fixed loopback port: a ListenRain-gRPC server with the benchmark's
 * {@link BenchEchoService} (its answers echo the request payload, which carries the call's id) and a native
 * ListenRain server whose router echoes each request. {@link #restart()} shuts both down gracefully
 * (forced after {@link #GRACE_SECONDS}) and starts them again on the same ports. Only the soak's scheduler thread
 * calls {@link #restart()} and {@link #close()}.
 */
final class SoakServers implements AutoCloseable {
  /** How long a graceful shutdown may take before it is forced. */
  static final long GRACE_SECONDS = 5;
  static final String NATIVE_PROTOCOL = "soak-echo";

  private final ProtocolRegisterTable table = new ProtocolRegisterTable();
  private final Protocol<BytesMessage> protocol;
  private InetSocketAddress grpcAddress;
  private InetSocketAddress nativeAddress;
  private Server grpc;
  private io.listenrain.server.Server nativeServer;
  private final Executor grpcExecutor;
  private long restarts;

  /** Starts both servers; the gRPC server runs its calls on {@code grpcExecutor}. */
  SoakServers(Executor grpcExecutor) throws IOException {
    this.grpcExecutor = grpcExecutor;
    protocol = table.register(ProtocolSpec.builder(NATIVE_PROTOCOL, RawBytesMessageCodec.instance()).build());
    grpcAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    nativeAddress = grpcAddress;
    startGrpc();
    startNative();
  }

  InetSocketAddress grpcAddress() {
    return grpcAddress;
  }

  InetSocketAddress nativeAddress() {
    return nativeAddress;
  }

  long restarts() {
    return restarts;
  }

  private void startGrpc() throws IOException {
    grpc = bindRetrying(() -> ListenRainServerBuilder.forAddress(grpcAddress)
        .executor(grpcExecutor).addService(new BenchEchoService()).build().start());
    grpcAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), grpc.getPort());
  }

  private void startNative() throws IOException {
    // The router answers with the request's own message: same msgID, same payload (ownership moves to the reply).
    // A connection killed or closed meanwhile makes send throw; the client's call already failed, nothing to do.
    nativeServer = bindRetrying(() -> protocol.listen(nativeAddress, (response, msgId, request) -> {
      try {
        response.send(request);
      } catch (ConnectionClosedException e) {
        // counted on the client side
      }
    }));
    nativeAddress = (InetSocketAddress) nativeServer.localAddress();
  }

  private interface Binder<T> {
    T bind() throws IOException;
  }

  /** A port just released can be briefly unavailable; retry the bind for up to two seconds. */
  private static <T> T bindRetrying(Binder<T> binder) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (true) {
      try {
        return binder.bind();
      } catch (IOException e) {
        if (!(e instanceof BindException || e.getCause() instanceof BindException) || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.onSpinWait();
      }
    }
  }

  /** Graceful shutdown of both servers, then a fresh start on the same ports. */
  void restart() throws IOException, InterruptedException {
    stopBoth();
    startGrpc();
    startNative();
    restarts++;
  }

  private void stopBoth() throws InterruptedException {
    grpc.shutdown();
    nativeServer.close();
    if (!grpc.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS)) {
      grpc.shutdownNow();
      grpc.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS);
    }
    try {
      nativeServer.closeFuture().get(GRACE_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      nativeServer.shutdownNow();
    }
  }

  @Override
  public void close() {
    try {
      stopBoth();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      grpc.shutdownNow();
      nativeServer.shutdownNow();
    } finally {
      table.close();
    }
  }
}
