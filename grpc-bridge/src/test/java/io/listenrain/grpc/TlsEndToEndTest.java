package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import io.grpc.Attributes;
import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.internal.GrpcAttributes;
import io.listenrain.channel.Channels;
import io.listenrain.channel.ClientTls;
import io.listenrain.channel.ServerTls;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoServiceGrpc;
import io.listenrain.testing.TestCertificates;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * gRPC calls over ListenRain TLS (TCP and Unix sockets) with real certificates, generated stubs and grpc-java's
 * channel and server: mutual TLS, refused handshakes, handshake timeouts, security attributes and call credentials.
 */
class TlsEndToEndTest {
  private static final TestCertificates CERTS = TestCertificates.shared();
  private static final Metadata.Key<String> TOKEN = Metadata.Key.of("x-token", Metadata.ASCII_STRING_MARSHALLER);

  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final AtomicReference<Attributes> serverCallAttrs = new AtomicReference<>();
  private final AtomicReference<String> serverSawToken = new AtomicReference<>();
  private final AtomicReference<String> serverSawAuthority = new AtomicReference<>();
  private Server server;

  @AfterEach
  void tearDown() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
  }

  // ------------------------------------------------------------------------------------------------ fixtures

  private static ServerTls.Builder serverTls(TestCertificates.Identity id) {
    return ServerTls.builder(id.key(), id.chain()).trustCertificates(CERTS.ca());
  }

  private static ClientTls.Builder clientTls() {
    return ClientTls.builder().trustCertificates(CERTS.ca());
  }

  private SocketAddress startServer(TransportKind kind, Consumer<ListenRainServerBuilder> config) throws Exception {
    ServerInterceptor capture = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        serverCallAttrs.set(call.getAttributes());
        serverSawToken.set(headers.get(TOKEN));
        serverSawAuthority.set(call.getAuthority());
        return next.startCall(call, headers);
      }
    };
    ListenRainServerBuilder b = ListenRainServerBuilder.forAddress(kind.bindAddress())
        .addService(ServerInterceptors.intercept(new EchoServiceImpl(), capture));
    config.accept(b);
    server = b.build().start();
    Server s = server;
    cleanup.add(() -> {
      s.shutdownNow();
      assertThat(s.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    });
    return server.getListenSockets().get(0);
  }

  private ManagedChannel channel(SocketAddress address, Consumer<ListenRainChannelBuilder> config) {
    ListenRainChannelBuilder b = ListenRainChannelBuilder.forSocketAddress(address);
    config.accept(b);
    ManagedChannel ch = b.build();
    cleanup.add(() -> {
      ch.shutdownNow();
      assertThat(ch.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    });
    return ch;
  }

  /** The TLS a client needs for {@code kind}: over a Unix socket the name to verify is given explicitly. */
  private static ClientTls.Builder forKind(ClientTls.Builder b, TransportKind kind) {
    return kind == TransportKind.UNIX ? b.authority("localhost") : b;
  }

  private static String echo(ManagedChannel ch, String text) {
    return EchoServiceGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8(text)).build())
        .getPayload().toStringUtf8();
  }

  private static StatusRuntimeException echoFails(ManagedChannel ch) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> echo(ch, "x"));
    assertThat(e).as("the call must fail").isNotNull();
    return e;
  }

  /** The status's cause chain contains a {@code type}. */
  private static boolean causedBy(Status s, Class<? extends Throwable> type) {
    for (Throwable t = s.getCause(); t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------------------------------------ mTLS matrix

  static List<Arguments> clientAuthMatrix() {
    List<Arguments> out = new ArrayList<>();
    for (TransportKind kind : new TransportKind[] {TransportKind.TCP, TransportKind.UNIX}) {
      for (ServerTls.ClientAuth auth : ServerTls.ClientAuth.values()) {
        out.add(Arguments.of(kind, auth, true));
        out.add(Arguments.of(kind, auth, false));
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0} clientAuth={1} clientCert={2}")
  @MethodSource("clientAuthMatrix")
  void clientAuthMatrixAcceptsOrRefusesAsConfigured(TransportKind kind, ServerTls.ClientAuth auth, boolean cert)
      throws Exception {
    SocketAddress addr = startServer(kind, b -> b.tls(serverTls(CERTS.server()).clientAuth(auth).build()));
    ClientTls.Builder tls = forKind(clientTls(), kind);
    if (cert) {
      tls.clientCertificate(CERTS.client().key(), CERTS.client().chain());
    }
    ManagedChannel ch = channel(addr, b -> b.tls(tls.build()));
    if (auth == ServerTls.ClientAuth.REQUIRE && !cert) {
      assertRefusedCertificate(echoFails(ch).getStatus());
      return;
    }
    assertThat(echo(ch, "secret")).isEqualTo("secret");
    SSLSession session = serverCallAttrs.get().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    assertThat(session).isNotNull();
    assertThat(serverCallAttrs.get().get(GrpcAttributes.ATTR_SECURITY_LEVEL))
        .isEqualTo(SecurityLevel.PRIVACY_AND_INTEGRITY);
    if (cert && auth != ServerTls.ClientAuth.NONE) {
      X509Certificate peer = (X509Certificate) session.getPeerCertificates()[0];
      assertThat(peer.getSubjectX500Principal().getName()).isEqualTo("CN=listenrain-test-client");
    } else {
      assertThat(catchThrowableOfType(SSLPeerUnverifiedException.class, session::getPeerCertificates)).isNotNull();
    }
  }

  // ------------------------------------------------------------------------------------------------ refusals

  @ParameterizedTest
  @EnumSource(value = TransportKind.class, names = {"TCP", "UNIX"})
  void untrustedServerFailsTheCallWithUnavailable(TransportKind kind) throws Exception {
    SocketAddress addr = startServer(kind, b -> b.tls(serverTls(CERTS.untrustedServer()).build()));
    ManagedChannel ch = channel(addr, b -> b.tls(forKind(clientTls(), kind).build()));
    Status s = echoFails(ch).getStatus();
    assertThat(s.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(causedBy(s, SSLException.class)).as("cause of %s", s).isTrue();
    assertThat(serverCallAttrs.get()).as("no call reached the server").isNull();
  }

  @ParameterizedTest
  @EnumSource(value = TransportKind.class, names = {"TCP", "UNIX"})
  void untrustedClientFailsTheCallWithUnavailable(TransportKind kind) throws Exception {
    SocketAddress addr = startServer(kind,
        b -> b.tls(serverTls(CERTS.server()).clientAuth(ServerTls.ClientAuth.REQUIRE).build()));
    ManagedChannel ch = channel(addr, b -> b.tls(forKind(clientTls(), kind)
        .clientCertificate(CERTS.untrustedClient().key(), CERTS.untrustedClient().chain()).build()));
    assertRefusedCertificate(echoFails(ch).getStatus());
    assertThat(serverCallAttrs.get()).as("no call reached the server").isNull();
  }

  /**
   * The race behind {@link #untrustedClientFailsTheCallWithUnavailable}, made certain: the refusal closes the channel
   * after the dial succeeded but before the transport opened its connection on it. The call still fails with the
   * channel's cause and the description that says what it likely means, not a bare "closed".
   */
  @ParameterizedTest
  @EnumSource(value = TransportKind.class, names = {"TCP", "UNIX"})
  void refusalThatClosesTheChannelBeforeTheTransportOpensItKeepsItsCause(TransportKind kind) throws Exception {
    SocketAddress addr = startServer(kind,
        b -> b.tls(serverTls(CERTS.server()).clientAuth(ServerTls.ClientAuth.REQUIRE).build()));
    SSLException refusal = new SSLException("bad_certificate alert (closed by the test before the transport ran)");
    ManagedChannel ch = channel(addr, b -> {
      b.tls(forKind(clientTls(), kind)
          .clientCertificate(CERTS.untrustedClient().key(), CERTS.untrustedClient().chain()).build());
      b.config().dialer = (a, o) -> Channels.dial(a, o).thenCompose(dialed -> {
        dialed.abort(refusal);
        return dialed.closeFuture().thenApply(closed -> dialed);
      });
    });
    Status s = echoFails(ch).getStatus();
    assertThat(s.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(s.getCause()).isSameAs(refusal);
    assertThat(s.getDescription()).contains("refused the client certificate");
    assertThat(serverCallAttrs.get()).as("no call reached the server").isNull();
  }

  /**
   * A server refusing the client's certificate: with TLS 1.3 the client's dial has already succeeded, so the call
   * fails on the close. Over TCP the alert arrives as the cause; over a Unix socket the channel may see only the
   * close, and the description says what it likely means.
   */
  private static void assertRefusedCertificate(Status s) {
    assertThat(s.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(causedBy(s, SSLException.class) || s.getDescription().contains("refused the client certificate"))
        .as("reason in %s", s).isTrue();
  }

  @ParameterizedTest
  @EnumSource(value = TransportKind.class, names = {"TCP", "UNIX"})
  void serverCertificateForAnotherHostFailsTheCallWithUnavailable(TransportKind kind) throws Exception {
    SocketAddress addr = startServer(kind, b -> b.tls(serverTls(CERTS.otherHostServer()).build()));
    ManagedChannel ch = channel(addr, b -> b.tls(forKind(clientTls(), kind).build()));
    Status s = echoFails(ch).getStatus();
    assertThat(s.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(causedBy(s, SSLException.class)).as("cause of %s", s).isTrue();
  }

  @Test
  void useTransportSecurityTrustsTheJdkStoreNotTheTestCa() throws Exception {
    SocketAddress addr = startServer(TransportKind.TCP, b -> b.tls(serverTls(CERTS.server()).build()));
    ManagedChannel ch = channel(addr, ListenRainChannelBuilder::useTransportSecurity);
    Status s = echoFails(ch).getStatus();
    assertThat(s.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(causedBy(s, SSLException.class)).as("cause of %s", s).isTrue();
  }

  @ParameterizedTest
  @EnumSource(value = TransportKind.class, names = {"TCP", "UNIX"})
  void certificateForTheAuthorityOverrideIsAccepted(TransportKind kind) throws Exception {
    SocketAddress addr = startServer(kind, b -> b.tls(serverTls(CERTS.otherHostServer()).build()));
    ManagedChannel ch = channel(addr, b -> b.tls(clientTls().authority("other.example").build()));
    assertThat(echo(ch, "named")).isEqualTo("named");
  }

  @ParameterizedTest
  @EnumSource(value = TransportKind.class, names = {"TCP", "UNIX"})
  void clientTlsWithoutItsOwnAuthorityVerifiesTheChannelsOverride(TransportKind kind) throws Exception {
    SocketAddress addr = startServer(kind, b -> b.tls(serverTls(CERTS.otherHostServer()).build()));
    ClientTls shared = clientTls().build();
    ManagedChannel named = channel(addr, b -> b.tls(shared).overrideAuthority("other.example"));
    assertThat(echo(named, "override")).isEqualTo("override");
    ManagedChannel unnamed = channel(addr, b -> b.tls(shared));
    Status s = echoFails(unnamed).getStatus();
    assertThat(s.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(causedBy(s, SSLException.class)).as("cause of %s", s).isTrue();
  }

  @ParameterizedTest
  @EnumSource(value = TransportKind.class, names = {"TCP", "UNIX"})
  void stalledServerHandshakeHitsTheClientTimeout(TransportKind kind) throws Exception {
    SocketAddress bind = kind == TransportKind.TCP
        ? new InetSocketAddress(InetAddress.getLoopbackAddress(), 0) : kind.bindAddress();
    ServerSocketChannel silent = ServerSocketChannel.open(
        kind == TransportKind.TCP ? StandardProtocolFamily.INET : StandardProtocolFamily.UNIX);
    cleanup.add(silent);
    silent.bind(bind);
    List<SocketChannel> accepted = new ArrayList<>();
    CompletableFuture.runAsync(() -> {
      try {
        while (true) {
          SocketChannel s = silent.accept(); // says nothing
          synchronized (accepted) {
            accepted.add(s);
          }
        }
      } catch (Exception closed) {
        // the test is over
      }
    });
    cleanup.add(() -> {
      synchronized (accepted) {
        for (SocketChannel s : accepted) {
          s.close();
        }
      }
    });
    ManagedChannel ch = channel(silent.getLocalAddress(),
        b -> b.tls(forKind(clientTls(), kind).handshakeTimeout(Duration.ofMillis(300)).build()));
    long start = System.nanoTime();
    Status s = echoFails(ch).getStatus();
    assertThat(s.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(causedBy(s, SslHandshakeTimeoutException.class)).as("cause of %s", s).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void silentClientIsClosedByTheServerAfterItsHandshakeTimeout() throws Exception {
    InetSocketAddress addr = (InetSocketAddress) startServer(TransportKind.TCP,
        b -> b.tls(serverTls(CERTS.server()).handshakeTimeout(Duration.ofMillis(300)).build()));
    try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), addr.getPort())) {
      raw.setSoTimeout(10_000); // a guard: the server must close well before
      InputStream in = raw.getInputStream();
      int read;
      try {
        read = in.read();
      } catch (java.net.SocketException reset) {
        read = -1;
      }
      assertThat(read).as("the server closes the silent connection").isEqualTo(-1);
    }
    assertThat(serverCallAttrs.get()).isNull();
  }

  @Test
  void serverBuilderReadsPemFiles(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path chain = dir.resolve("chain.pem");
    java.nio.file.Path key = dir.resolve("key.pem");
    StringBuilder pem = new StringBuilder();
    for (X509Certificate c : CERTS.server().chain()) {
      pem.append(TestCertificates.pem(c));
    }
    java.nio.file.Files.writeString(chain, pem);
    java.nio.file.Files.writeString(key, TestCertificates.pem(CERTS.server().key()));
    SocketAddress addr = startServer(TransportKind.TCP,
        b -> b.useTransportSecurity(chain.toFile(), key.toFile()));
    ManagedChannel ch = channel(addr, b -> b.tls(clientTls().build()));
    assertThat(echo(ch, "from-files")).isEqualTo("from-files");
    assertThat(serverCallAttrs.get().get(Grpc.TRANSPORT_ATTR_SSL_SESSION)).isNotNull();
  }

  @Test
  void sessionReachesCallsOnAPortSharedWithANativeProtocol() throws Exception {
    SocketAddress addr = startServer(TransportKind.TCP, b -> b
        .tls(serverTls(CERTS.server()).clientAuth(ServerTls.ClientAuth.REQUIRE).build())
        .addNativeProtocol(new io.listenrain.sharing.ServerProtocol() {
          @Override
          public String name() {
            return "never";
          }

          @Override
          public int prefaceLength() {
            return 4;
          }

          @Override
          public boolean matchesPreface(io.netty.buffer.ByteBuf firstBytes) {
            return false;
          }

          @Override
          public void serve(io.listenrain.channel.Channel channel) {
            channel.close();
          }
        }));
    ManagedChannel ch = channel(addr, b -> b.tls(clientTls()
        .clientCertificate(CERTS.client().key(), CERTS.client().chain()).build()));
    assertThat(echo(ch, "sniffed")).isEqualTo("sniffed");
    SSLSession session = serverCallAttrs.get().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    assertThat(((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal().getName())
        .isEqualTo("CN=listenrain-test-client");
  }

  // ------------------------------------------------------------------------------------------------ call authority

  private static String echoAs(ManagedChannel ch, String authority) {
    return io.grpc.stub.ClientCalls.blockingUnaryCall(ch, EchoServiceGrpc.getEchoMethod(),
        io.grpc.CallOptions.DEFAULT.withAuthority(authority).withDeadlineAfter(20, TimeUnit.SECONDS),
        EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8(authority)).build()).getPayload().toStringUtf8();
  }

  @ParameterizedTest
  @EnumSource(value = TransportKind.class, names = {"TCP", "UNIX"})
  void callAuthorityTheCertificateDoesNotNameFailsBeforeReachingTheServer(TransportKind kind) throws Exception {
    SocketAddress addr = startServer(kind, b -> b.tls(serverTls(CERTS.server()).build()));
    ManagedChannel ch = channel(addr, b -> b.tls(forKind(clientTls(), kind).build()));
    for (String foreign : List.of("other.example", "other.example:443", "127.0.0.2", "[::2]:443")) {
      StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> echoAs(ch, foreign));
      assertThat(e).as(foreign).isNotNull();
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(e.getStatus().getDescription()).contains("'" + foreign + "'");
      assertThat(causedBy(e.getStatus(), java.security.cert.CertificateException.class)).isTrue();
    }
    assertThat(serverCallAttrs.get()).as("no call reached the server").isNull();
    assertThat(echo(ch, "still-up")).isEqualTo("still-up"); // the connection serves the channel's own authority
  }

  @ParameterizedTest
  @EnumSource(value = TransportKind.class, names = {"TCP", "UNIX"})
  void callAuthorityTheCertificateNamesReachesTheServer(TransportKind kind) throws Exception {
    SocketAddress addr = startServer(kind, b -> b.tls(serverTls(CERTS.server()).build()));
    ManagedChannel ch = channel(addr, b -> b.tls(forKind(clientTls(), kind).build()));
    for (String covered : List.of("localhost:8443", "LocalHost", "127.0.0.1", "[::1]:443")) {
      assertThat(echoAs(ch, covered)).isEqualTo(covered);
      assertThat(serverSawAuthority.get()).isEqualTo(covered);
    }
  }

  @Test
  void perRpcAuthorityCheckOffSendsAForeignAuthorityAnyway() throws Exception {
    SocketAddress addr = startServer(TransportKind.TCP, b -> b.tls(serverTls(CERTS.server()).build()));
    ManagedChannel ch = channel(addr, b -> b.tls(clientTls().build()).perRpcAuthorityCheck(false));
    assertThat(echoAs(ch, "other.example")).isEqualTo("other.example");
    assertThat(serverSawAuthority.get()).isEqualTo("other.example");
  }

  @Test
  void withoutHostnameVerificationAnyCallAuthorityPasses() throws Exception {
    SocketAddress addr = startServer(TransportKind.TCP, b -> b.tls(serverTls(CERTS.server()).build()));
    ManagedChannel ch = channel(addr, b -> b.tls(clientTls().hostnameVerification(false).build()));
    assertThat(echoAs(ch, "other.example")).isEqualTo("other.example");
  }

  @Test
  void plaintextChecksNoCallAuthority() throws Exception {
    SocketAddress addr = startServer(TransportKind.TCP, b -> {});
    ManagedChannel ch = channel(addr, ListenRainChannelBuilder::usePlaintext);
    assertThat(echoAs(ch, "other.example")).isEqualTo("other.example");
    assertThat(serverSawAuthority.get()).isEqualTo("other.example");
  }

  // ------------------------------------------------------------------------------------------------ attributes

  @Test
  void channelzSocketStatsCarryTheTlsSecurityOnBothSides() throws Exception {
    SocketAddress addr = startServer(TransportKind.TCP, b -> b.tls(serverTls(CERTS.server()).build()));
    ListenRainTransportFactory factory = new ListenRainTransportFactory(new TransportConfig(),
        ClientSecurity.fixed(clientTls().build()));
    cleanup.add(factory::close);
    io.grpc.internal.ConnectionClientTransport t = factory.newClientTransport(addr,
        new io.grpc.internal.ClientTransportFactory.ClientTransportOptions().setAuthority("127.0.0.1"),
        new io.grpc.ChannelLogger() {
          @Override
          public void log(ChannelLogLevel level, String message) {}

          @Override
          public void log(ChannelLogLevel level, String messageFormat, Object... args) {}
        });
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Runnable r = t.start(new io.grpc.internal.ManagedClientTransport.Listener() {
      @Override
      public void transportShutdown(Status s) {
        ready.completeExceptionally(s.asException());
      }

      @Override
      public void transportTerminated() {}

      @Override
      public void transportReady() {
        ready.complete(null);
      }

      @Override
      public void transportInUse(boolean inUse) {}
    });
    if (r != null) {
      r.run();
    }
    cleanup.add(() -> t.shutdownNow(Status.UNAVAILABLE.withDescription("test over")));
    ready.get(20, TimeUnit.SECONDS);
    io.grpc.InternalChannelz.Security security = t.getStats().get(10, TimeUnit.SECONDS).security;
    assertThat(security).isNotNull();
    assertThat(security.tls).isNotNull();
    assertThat(security.tls.cipherSuiteStandardName).isNotEmpty();
    assertThat(security.tls.remoteCert).isEqualTo(CERTS.server().certificate());
  }

  @ParameterizedTest
  @EnumSource(value = TransportKind.class, names = {"TCP", "UNIX"})
  void clientTransportPublishesTheSessionAndPrivacyOverTls(TransportKind kind) throws Exception {
    SocketAddress addr = startServer(kind, b -> b.tls(serverTls(CERTS.server()).build()));
    AtomicReference<CallCredentials.RequestInfo> seen = new AtomicReference<>();
    ManagedChannel ch = channel(addr, b -> b.tls(forKind(clientTls(), kind).build()));
    String out = EchoServiceGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS)
        .withCallCredentials(new RequirePrivacy(seen))
        .echo(EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8("p")).build()).getPayload().toStringUtf8();
    assertThat(out).isEqualTo("p");
    assertThat(serverSawToken.get()).isEqualTo("let-me-in");
    Attributes attrs = seen.get().getTransportAttrs();
    assertThat(attrs.get(GrpcAttributes.ATTR_SECURITY_LEVEL)).isEqualTo(SecurityLevel.PRIVACY_AND_INTEGRITY);
    SSLSession session = attrs.get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    assertThat(session).isNotNull();
    assertThat(((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal())
        .isEqualTo(CERTS.server().certificate().getSubjectX500Principal());
  }

  @ParameterizedTest
  @EnumSource(value = TransportKind.class, names = {"TCP", "UNIX"})
  void callCredentialsRequiringPrivacyFailUnauthenticatedOverPlaintext(TransportKind kind) throws Exception {
    SocketAddress addr = startServer(kind, b -> {});
    ManagedChannel ch = channel(addr, ListenRainChannelBuilder::usePlaintext);
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
        EchoServiceGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS)
            .withCallCredentials(new RequirePrivacy(new AtomicReference<>()))
            .echo(EchoRequest.getDefaultInstance()));
    assertThat(e).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(serverCallAttrs.get()).as("no call reached the server").isNull();
  }

  @Test
  void inProcessPipeCountsAsPrivateAndCarriesNoSession() throws Exception {
    SocketAddress addr = startServer(TransportKind.PIPE, b -> {});
    AtomicReference<CallCredentials.RequestInfo> seen = new AtomicReference<>();
    ManagedChannel ch = channel(addr, b -> {});
    EchoServiceGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS)
        .withCallCredentials(new RequirePrivacy(seen)).echo(EchoRequest.getDefaultInstance());
    assertThat(seen.get().getSecurityLevel()).isEqualTo(SecurityLevel.PRIVACY_AND_INTEGRITY);
    assertThat(serverCallAttrs.get().get(GrpcAttributes.ATTR_SECURITY_LEVEL))
        .isEqualTo(SecurityLevel.PRIVACY_AND_INTEGRITY);
    assertThat(serverCallAttrs.get().get(Grpc.TRANSPORT_ATTR_SSL_SESSION)).isNull();
  }

  @Test
  void plaintextTcpIsSecurityLevelNoneOnTheServer() throws Exception {
    SocketAddress addr = startServer(TransportKind.TCP, b -> {});
    assertThat(echo(channel(addr, ListenRainChannelBuilder::usePlaintext), "plain")).isEqualTo("plain");
    assertThat(serverCallAttrs.get().get(GrpcAttributes.ATTR_SECURITY_LEVEL)).isEqualTo(SecurityLevel.NONE);
    assertThat(serverCallAttrs.get().get(Grpc.TRANSPORT_ATTR_SSL_SESSION)).isNull();
  }

  /** Like Google auth's {@code requirePrivacy}: adds a token only over a private transport, else UNAUTHENTICATED. */
  private static final class RequirePrivacy extends CallCredentials {
    private final AtomicReference<RequestInfo> seen;

    RequirePrivacy(AtomicReference<RequestInfo> seen) {
      this.seen = seen;
    }

    @Override
    public void applyRequestMetadata(RequestInfo info, Executor appExecutor, MetadataApplier applier) {
      seen.set(info);
      if (info.getSecurityLevel() != SecurityLevel.PRIVACY_AND_INTEGRITY) {
        applier.fail(Status.UNAUTHENTICATED.withDescription("privacy required, transport is "
            + info.getSecurityLevel()));
        return;
      }
      Metadata m = new Metadata();
      m.put(TOKEN, "let-me-in");
      applier.apply(m);
    }
  }
}
