package io.listenrain.examples;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.listenrain.channel.ServerTls;
import io.listenrain.codec.BytesMessage;
import io.listenrain.codec.RawBytesMessageCodec;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.examples.greeter.GreeterService;
import io.listenrain.grpc.ListenRainServerBuilder;
import io.listenrain.protocol.Protocol;
import io.listenrain.protocol.ProtocolRegisterTable;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./listenrain serve [--port N | --unix PATH] [--tls-cert FILE --tls-key FILE [--tls-client-ca FILE]]}: one
 * listening address serving the gRPC greeter and echo services over ListenRain and, on the same port, the native
 * echo protocol (raw bytes); connections are told apart by their first bytes. gRPC's server reflection (v1 and
 * v1alpha) and health ({@code grpc.health.v1.Health}, every service SERVING) are served too, so {@code call list},
 * {@code describe} and any method by name work against it. With {@code --tls-cert/--tls-key}
 * (PEM) every connection is TLS; {@code --tls-client-ca} also requires a client certificate issued by that CA
 * (mutual TLS). Runs until the process is stopped.
 */
final class ServeCommand {
  /** The native protocol's name, shared with {@link CallCommand}. */
  static final String NATIVE_ECHO = "echo";

  private ServeCommand() {}

  static ProtocolSpec<BytesMessage> nativeEchoSpec() {
    return ProtocolSpec.builder(NATIVE_ECHO, RawBytesMessageCodec.instance()).build();
  }

  /** A running server; {@link #close()} stops it. */
  static final class Running implements AutoCloseable {
    final Server grpc;
    final ProtocolRegisterTable table;
    final boolean tls;

    Running(Server grpc, ProtocolRegisterTable table, boolean tls) {
      this.grpc = grpc;
      this.table = table;
      this.tls = tls;
    }

    /** Stops accepting, lets running calls finish for up to 5 s, then cancels the rest. */
    @Override
    public void close() {
      grpc.shutdown();
      try {
        if (!grpc.awaitTermination(5, TimeUnit.SECONDS)) {
          grpc.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        grpc.shutdownNow();
        Thread.currentThread().interrupt();
      } finally {
        table.close();
      }
    }
  }

  /** Starts the services on {@code endpoint}. */
  static Running start(Endpoint endpoint) throws Exception {
    TlsFiles tls = TlsFiles.parse(endpoint.rest);
    if (!tls.rest.isEmpty()) {
      throw new IllegalArgumentException("listenrain serve: unknown arguments " + tls.rest);
    }
    ServerTls serverTls = tls.serverTls();
    ProtocolRegisterTable table = new ProtocolRegisterTable();
    try {
      Protocol<BytesMessage> echo = table.register(nativeEchoSpec());
      ListenRainServerBuilder builder = endpoint.unixPath != null
          ? ListenRainServerBuilder.forUnixSocket(endpoint.unixPath)
          : ListenRainServerBuilder.forAddress(endpoint.bindAddress());
      Server grpc = builder
          .tls(serverTls)
          .addService(new GreeterService())
          .addService(new EchoService())
          .addService(ProtoReflectionServiceV1.newInstance())
          .addService(reflectionV1Alpha())
          .addService(new HealthStatusManager().getHealthService())
          .addNativeProtocol(echo.serverProtocol((response, msgId, request) -> response.send(request)))
          .build()
          .start();
      return new Running(grpc, table, serverTls != null);
    } catch (Exception | Error e) {
      table.close();
      throw e;
    }
  }

  /** grpcurl and older clients still ask v1alpha; grpc-java marks that service deprecated in favour of v1. */
  @SuppressWarnings("deprecation")
  private static BindableService reflectionV1Alpha() {
    return ProtoReflectionService.newInstance();
  }

  static final String USAGE = String.join("\n",
      "usage: listenrain serve [--host H] [--port N | --unix PATH] [--tls-cert FILE --tls-key FILE"
          + " [--tls-client-ca FILE]]",
      "  Serves gRPC (listenrain.greeter.Greeter, listenrain.echo.EchoService, grpc.health.v1.Health, server",
      "  reflection v1 and v1alpha) over ListenRain and the native \"echo\" protocol on one address (default",
      "  127.0.0.1:" + Endpoint.DEFAULT_PORT + "). TLS files are PEM; --tls-client-ca requires client certificates.",
      "  Runs until stopped (Ctrl-C).");

  static int run(String[] args, PrintStream out) throws Exception {
    if (Cli.wantsHelp(args)) {
      out.println(USAGE);
      return 0;
    }
    Endpoint endpoint = Endpoint.parse(args, 1);
    Running running = start(endpoint);
    out.println("listenrain serve: " + running.grpc.getListenSockets()
        + " — gRPC (listenrain.greeter.Greeter, listenrain.echo.EchoService, health, reflection) and native \"" + NATIVE_ECHO
        + "\" (raw bytes) on the same address" + (running.tls ? ", TLS" : "") + "; Ctrl-C stops");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        running.close();
      } finally {
        stopped.countDown();
      }
    }, "listenrain-serve-stop"));
    stopped.await();
    return 0;
  }
}
