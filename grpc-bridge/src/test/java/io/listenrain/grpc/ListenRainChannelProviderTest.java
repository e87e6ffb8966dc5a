package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.ChoiceChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelProvider.NewChannelBuilderResult;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoServiceGrpc;
import io.listenrain.testing.TestCertificates;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Grpc.newChannelBuilder} and {@code Grpc.newServerBuilderForPort} with gRPC's TLS credentials, mapped by
 * {@link ListenRainChannelProvider} and {@link ListenRainServerProvider} onto ListenRain TLS, over real TCP.
 */
class ListenRainChannelProviderTest {
  private static final TestCertificates CERTS = TestCertificates.shared();

  private final AtomicReference<SSLSession> serverSession = new AtomicReference<>();
  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void tearDown() throws InterruptedException {
    TestShutdown.shutdownNow(channel, server);
  }

  private static InputStream pem(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
  }

  private static InputStream chainPem(TestCertificates.Identity id) {
    StringBuilder sb = new StringBuilder();
    for (X509Certificate c : id.chain()) {
      sb.append(TestCertificates.pem(c));
    }
    return pem(sb.toString());
  }

  private int startServer(ServerCredentials creds) throws Exception {
    ServerInterceptor capture = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        serverSession.set(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
        return next.startCall(call, headers);
      }
    };
    server = Grpc.newServerBuilderForPort(0, creds)
        .addService(ServerInterceptors.intercept(new EchoServiceImpl(), capture)).build().start();
    assertThat(server.getListenSockets().get(0)).isInstanceOf(InetSocketAddress.class);
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  private static String echo(ManagedChannel ch) {
    return EchoServiceGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8("via-creds")).build())
        .getPayload().toStringUtf8();
  }

  private static ServerCredentials mtlsServer(TlsServerCredentials.ClientAuth auth) throws Exception {
    return TlsServerCredentials.newBuilder()
        .keyManager(chainPem(CERTS.server()), pem(TestCertificates.pem(CERTS.server().key())))
        .trustManager(pem(TestCertificates.pem(CERTS.ca())))
        .clientAuth(auth)
        .build();
  }

  @Test
  void pemCredentialsRunMutualTlsEndToEnd() throws Exception {
    int port = startServer(mtlsServer(TlsServerCredentials.ClientAuth.REQUIRE));
    ChannelCredentials creds = TlsChannelCredentials.newBuilder()
        .trustManager(pem(TestCertificates.pem(CERTS.ca())))
        .keyManager(chainPem(CERTS.client()), pem(TestCertificates.pem(CERTS.client().key())))
        .build();
    channel = Grpc.newChannelBuilder("listenrain://127.0.0.1:" + port, creds).build();
    assertThat(echo(channel)).isEqualTo("via-creds");
    assertThat(((X509Certificate) serverSession.get().getPeerCertificates()[0]).getSubjectX500Principal().getName())
        .isEqualTo("CN=listenrain-test-client");
  }

  @Test
  void trustManagerCredentialsVerifyTheServer() throws Exception {
    int port = startServer(mtlsServer(TlsServerCredentials.ClientAuth.NONE));
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    ks.setCertificateEntry("ca", CERTS.ca());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    channel = Grpc.newChannelBuilder("listenrain://127.0.0.1:" + port,
        TlsChannelCredentials.newBuilder().trustManager(tmf.getTrustManagers()).build()).build();
    assertThat(echo(channel)).isEqualTo("via-creds");
  }

  @Test
  void requiredClientCertificateMissingFailsUnavailable() throws Exception {
    int port = startServer(mtlsServer(TlsServerCredentials.ClientAuth.REQUIRE));
    channel = Grpc.newChannelBuilder("listenrain://127.0.0.1:" + port,
        TlsChannelCredentials.newBuilder().trustManager(pem(TestCertificates.pem(CERTS.ca()))).build()).build();
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> echo(channel));
    assertThat(e).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void overrideAuthorityIsTheNameVerified() throws Exception {
    ServerCredentials other = TlsServerCredentials.newBuilder()
        .keyManager(chainPem(CERTS.otherHostServer()), pem(TestCertificates.pem(CERTS.otherHostServer().key())))
        .build();
    int port = startServer(other);
    ChannelCredentials creds = TlsChannelCredentials.newBuilder()
        .trustManager(pem(TestCertificates.pem(CERTS.ca()))).build();
    channel = Grpc.newChannelBuilder("listenrain://127.0.0.1:" + port, creds).build();
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> echo(channel));
    assertThat(e).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    channel.shutdownNow();
    channel = Grpc.newChannelBuilder("listenrain://127.0.0.1:" + port, creds).overrideAuthority("other.example")
        .build();
    assertThat(echo(channel)).isEqualTo("via-creds");
  }

  @Test
  void compositeCredentialsAddTheirCallCredentialsOverTls() throws Exception {
    AtomicReference<String> token = new AtomicReference<>();
    Metadata.Key<String> key = Metadata.Key.of("x-token", Metadata.ASCII_STRING_MARSHALLER);
    ServerInterceptor readToken = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        token.set(headers.get(key));
        return next.startCall(call, headers);
      }
    };
    server = Grpc.newServerBuilderForPort(0, mtlsServer(TlsServerCredentials.ClientAuth.NONE))
        .addService(ServerInterceptors.intercept(new EchoServiceImpl(), readToken)).build().start();
    int port = ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
    CallCredentials privateOnly = new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor appExecutor, MetadataApplier applier) {
        if (info.getSecurityLevel() != SecurityLevel.PRIVACY_AND_INTEGRITY) {
          applier.fail(Status.UNAUTHENTICATED.withDescription("privacy required"));
          return;
        }
        Metadata m = new Metadata();
        m.put(key, "composite");
        applier.apply(m);
      }
    };
    ChannelCredentials creds = CompositeChannelCredentials.create(
        TlsChannelCredentials.newBuilder().trustManager(pem(TestCertificates.pem(CERTS.ca()))).build(), privateOnly);
    channel = Grpc.newChannelBuilder("listenrain://127.0.0.1:" + port, creds).build();
    assertThat(echo(channel)).isEqualTo("via-creds");
    assertThat(token.get()).isEqualTo("composite");
  }

  @Test
  void insecureCredentialsStayPlaintext() throws Exception {
    int port = startServer(io.grpc.InsecureServerCredentials.create());
    channel = Grpc.newChannelBuilder("listenrain://127.0.0.1:" + port, InsecureChannelCredentials.create()).build();
    assertThat(echo(channel)).isEqualTo("via-creds");
    assertThat(serverSession.get()).isNull();
  }

  @Test
  void credentialsWithAnUnknownFeatureAreRefusedWithAReason() {
    ChannelCredentials fake = TlsChannelCredentials.newBuilder().requireFakeFeature().build();
    NewChannelBuilderResult r = new ListenRainChannelProvider().newChannelBuilder("listenrain://127.0.0.1:1", fake);
    assertThat(r.getChannelBuilder()).isNull();
    assertThat(r.getError()).contains("FAKE");
  }

  @Test
  void choiceTakesTheFirstUnderstoodCredentials() {
    ChannelCredentials choice = ChoiceChannelCredentials.create(
        TlsChannelCredentials.newBuilder().requireFakeFeature().build(), InsecureChannelCredentials.create());
    NewChannelBuilderResult r = new ListenRainChannelProvider().newChannelBuilder("listenrain://127.0.0.1:1", choice);
    assertThat(r.getError()).isNull();
    assertThat(r.getChannelBuilder()).isInstanceOf(ListenRainChannelBuilder.class);
  }

  @Test
  void encryptedOrUnreadableKeysAreRefusedWithAReason() throws Exception {
    ChannelCredentials bad = TlsChannelCredentials.newBuilder()
        .keyManager(chainPem(CERTS.client()), pem("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n"
            + "-----END ENCRYPTED PRIVATE KEY-----\n"))
        .build();
    NewChannelBuilderResult r = new ListenRainChannelProvider().newChannelBuilder("listenrain://127.0.0.1:1", bad);
    assertThat(r.getError()).contains("encrypted");
  }

  @Test
  void builderFromCredentialsRefusesToChangeItsSecurity() {
    NewChannelBuilderResult r = new ListenRainChannelProvider().newChannelBuilder("listenrain://127.0.0.1:1",
        TlsChannelCredentials.create());
    ListenRainChannelBuilder b = (ListenRainChannelBuilder) r.getChannelBuilder();
    assertThat(catchThrowableOfType(IllegalStateException.class, b::usePlaintext)).isNotNull();
  }
}
