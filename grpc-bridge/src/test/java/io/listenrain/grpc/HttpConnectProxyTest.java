package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import io.grpc.Attributes;
import io.grpc.HttpConnectProxiedSocketAddress;
import io.grpc.ManagedChannel;
import io.grpc.ProxyDetector;
import io.grpc.Server;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.listenrain.channel.ClientTls;
import io.listenrain.channel.ServerTls;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoServiceGrpc;
import io.listenrain.testing.TestCertificates;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * grpc-java's proxy detection on a ListenRain channel: when a {@link ProxyDetector} (or {@code GRPC_PROXY_EXP} /
 * the JVM's proxy selector, through grpc's default detector) names an HTTP CONNECT proxy, calls go through a tunnel
 * that proxy opens, never around it; a proxy that refuses fails the calls UNAVAILABLE naming the proxy's answer.
 */
class HttpConnectProxyTest {
  private static final TestCertificates CERTS = TestCertificates.shared();

  private Server server;
  private ManagedChannel channel;
  private ConnectProxy proxy;
  private final AtomicInteger serverConnections = new AtomicInteger();

  @AfterEach
  void tearDown() throws Exception {
    TestShutdown.shutdownNow(channel, server);
    if (proxy != null) {
      proxy.close();
    }
  }

  private int startServer(ServerTls tls) throws Exception {
    ListenRainServerBuilder b = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new EchoServiceImpl())
        .addTransportFilter(new ServerTransportFilter() {
          @Override
          public Attributes transportReady(Attributes attrs) {
            serverConnections.incrementAndGet();
            return attrs;
          }
        });
    if (tls != null) {
      b.tls(tls);
    }
    server = b.build().start();
    return server.getPort();
  }

  private ProxyDetector through(ConnectProxy p, String user, String password) {
    return target -> HttpConnectProxiedSocketAddress.newBuilder()
        .setTargetAddress((InetSocketAddress) target)
        .setProxyAddress(p.address())
        .setUsername(user)
        .setPassword(password)
        .build();
  }

  private static String echo(ManagedChannel ch, String text) {
    return EchoServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8(text)).build())
        .getPayload().toStringUtf8();
  }

  @Test
  void callsGoThroughTheTunnelTheDetectedProxyOpens() throws Exception {
    int port = startServer(null);
    proxy = new ConnectProxy(null);
    channel = ListenRainChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
        .proxyDetector(through(proxy, null, null)).build();
    assertThat(echo(channel, "tunnelled")).isEqualTo("tunnelled");
    assertThat(proxy.requestLines).containsExactly("CONNECT 127.0.0.1:" + port + " HTTP/1.1");
    assertThat(serverConnections.get()).isEqualTo(1);
  }

  @Test
  void theProxyGetsTheCredentialsAndTheTargetsNameToResolve() throws Exception {
    int port = startServer(null);
    String basic = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
    proxy = new ConnectProxy(basic);
    channel = ListenRainChannelBuilder.forAddress("localhost", port).usePlaintext()
        .proxyDetector(through(proxy, "alice", "s3cret")).build();
    assertThat(echo(channel, "with credentials")).isEqualTo("with credentials");
    assertThat(proxy.authorizations).containsExactly(basic);
    // grpc hands the target over unresolved: the proxy, not this process, resolves the name
    assertThat(proxy.requestLines).containsExactly("CONNECT localhost:" + port + " HTTP/1.1");
  }

  @Test
  void aProxyThatRefusesFailsTheCallUnavailableAndNothingConnectsAroundIt() throws Exception {
    int port = startServer(null);
    proxy = new ConnectProxy("Basic nobody-has-this");
    channel = ListenRainChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
        .proxyDetector(through(proxy, null, null)).build();
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> echo(channel, "refused"));
    assertThat(e).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(String.valueOf(e.getStatus().getDescription()) + " " + e.getStatus().getCause())
        .contains("407").contains(proxy.address().toString().replace("localhost", ""));
    assertThat(proxy.requestLines).isNotEmpty();
    assertThat(serverConnections.get()).as("no connection around the proxy").isZero();
  }

  @Test
  void tlsRunsEndToEndInsideTheTunnel() throws Exception {
    int port = startServer(ServerTls.builder(CERTS.server().key(), CERTS.server().chain()).build());
    proxy = new ConnectProxy(null);
    channel = ListenRainChannelBuilder.forAddress("localhost", port)
        .tls(ClientTls.builder().trustCertificates(CERTS.ca()).build())
        .proxyDetector(through(proxy, null, null)).build();
    assertThat(echo(channel, "secret")).isEqualTo("secret");
    assertThat(proxy.requestLines).containsExactly("CONNECT localhost:" + port + " HTTP/1.1");
  }
}
