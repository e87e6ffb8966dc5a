package io.listenrain.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1alpha.ServerReflectionGrpc;
import io.grpc.reflection.v1alpha.ServerReflectionRequest;
import io.grpc.reflection.v1alpha.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.listenrain.testing.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {

  @Test
  void grpcGreeterAndNativeEchoAnswerOnTheSameTcpPort() throws Exception {
    try (ServeCommand.Running running = ServeCommand.start(Endpoint.parse(new String[] {"serve", "--port", "0"}, 1))) {
      String port = Integer.toString(running.grpc.getPort());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int code = Cli.run(new String[] {"call", "--port", port, "--name", "Ada", "--native", "ping"},
          new PrintStream(out, true, StandardCharsets.UTF_8), System.err);

      assertThat(code).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8))
          .contains("greeter over ListenRain-gRPC at 127.0.0.1:" + port + ": Hello, Ada")
          .contains("native echo at 127.0.0.1:" + port + ": ping");
    }
  }

  @Test
  @SuppressWarnings("deprecation") // v1alpha reflection: what older grpcurl builds and other tools still ask
  void servesHealthAndBothReflectionVersions() throws Exception {
    try (ServeCommand.Running running = ServeCommand.start(Endpoint.parse(new String[] {"serve", "--port", "0"}, 1))) {
      ManagedChannel channel = CallCommand.channel(
          Endpoint.parse(new String[] {"call", "--port", Integer.toString(running.grpc.getPort())}, 1), null);
      try {
        assertThat(HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10,
            TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance())
            .getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        List<String> v1alpha = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        StreamObserver<ServerReflectionRequest> requests =
            ServerReflectionGrpc.newStub(channel).serverReflectionInfo(
                new StreamObserver<ServerReflectionResponse>() {
                  @Override
                  public void onNext(ServerReflectionResponse r) {
                    r.getListServicesResponse().getServiceList().forEach(svc -> v1alpha.add(svc.getName()));
                  }

                  @Override
                  public void onError(Throwable t) {
                    done.countDown();
                  }

                  @Override
                  public void onCompleted() {
                    done.countDown();
                  }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(v1alpha).contains("listenrain.greeter.Greeter", "listenrain.echo.EchoService",
            "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection");
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void servesOverAUnixSocket(@TempDir Path dir) throws Exception {
    String path = dir.resolve("serve.sock").toString();
    try (ServeCommand.Running running = ServeCommand.start(Endpoint.parse(new String[] {"serve", "--unix", path}, 1))) {
      assertThat(running.grpc.getListenSockets()).hasSize(1);
      Endpoint endpoint = Endpoint.parse(new String[] {"call", "--unix", path}, 1);

      assertThat(CallCommand.greet(endpoint, "Unix")).contains("Unix");
      assertThat(CallCommand.nativeEcho(endpoint, "over a socket file")).isEqualTo("over a socket file");
    }
  }

  private static Path write(Path dir, String name, String pem) throws Exception {
    return Files.writeString(dir.resolve(name), pem);
  }

  @Test
  void servesOverMutualTlsFromPemFilesAndCallReachesBothProtocols(@TempDir Path dir) throws Exception {
    TestCertificates certs = TestCertificates.shared();
    String cert = write(dir, "server.pem", TestCertificates.pem(certs.server().certificate())).toString();
    String key = write(dir, "server.key", TestCertificates.pem(certs.server().key())).toString();
    String ca = write(dir, "ca.pem", TestCertificates.pem(certs.ca())).toString();
    String clientCert = write(dir, "client.pem", TestCertificates.pem(certs.client().certificate())).toString();
    String clientKey = write(dir, "client.key", TestCertificates.pem(certs.client().key())).toString();
    try (ServeCommand.Running running = ServeCommand.start(Endpoint.parse(new String[] {"serve", "--port", "0",
        "--tls-cert", cert, "--tls-key", key, "--tls-client-ca", ca}, 1))) {
      assertThat(running.tls).isTrue();
      String port = Integer.toString(running.grpc.getPort());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int code = Cli.run(new String[] {"call", "--port", port, "--name", "Ada", "--native", "ping", "--tls-ca", ca,
          "--tls-cert", clientCert, "--tls-key", clientKey}, new PrintStream(out, true, StandardCharsets.UTF_8),
          System.err);

      assertThat(code).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8))
          .contains("greeter over ListenRain-gRPC at 127.0.0.1:" + port + " over TLS: Hello, Ada")
          .contains("native echo at 127.0.0.1:" + port + " over TLS: ping");
      // Mutual TLS: without a client certificate the call fails; plaintext fails too.
      Endpoint endpoint = Endpoint.parse(new String[] {"call", "--port", port}, 1);
      assertThatThrownBy(() -> CallCommand.greet(endpoint, "anonymous",
          TlsFiles.parse(List.of("--tls-ca", ca)).clientTls())).hasMessageContaining("UNAVAILABLE");
      assertThatThrownBy(() -> CallCommand.greet(endpoint, "plain")).hasMessageContaining("UNAVAILABLE");
    }
  }
}
