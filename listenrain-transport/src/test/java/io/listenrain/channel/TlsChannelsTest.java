package io.listenrain.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.listenrain.testing.TestCertificates;
import io.netty.buffer.ByteBuf;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS behaviours of {@link Channels#dial} and {@link Channels#listen} over TCP and Unix sockets: who is trusted, what
 * is verified, what a failed or stalled handshake looks like on each side. Certificates come from
 * {@link TestCertificates}.
 */
class TlsChannelsTest {
  private static final Duration SHORT = Duration.ofMillis(500);

  static Stream<Arguments> mtlsMatrix() {
    List<Arguments> cases = new ArrayList<>();
    for (String kind : List.of("tcp", "unix")) {
      for (String version : List.of("TLSv1.2", "TLSv1.3")) {
        for (ServerTls.ClientAuth auth : ServerTls.ClientAuth.values()) {
          cases.add(Arguments.of(kind, version, auth, true));
          cases.add(Arguments.of(kind, version, auth, false));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} clientAuth={2} clientCert={3}")
  @MethodSource("mtlsMatrix")
  void clientAuthMatrix(String kind, String version, ServerTls.ClientAuth auth, boolean clientCert) throws Exception {
    SocketAddress address = address(kind);
    ServerTls server = TlsFixtures.server().clientAuth(auth).trustCertificates(TlsFixtures.certs().ca())
        .protocols(version).build();
    ClientTls.Builder client = clientFor(kind).protocols(version);
    if (clientCert) {
      client.clientCertificate(TlsFixtures.certs().client().key(), TlsFixtures.certs().client().chain());
    }
    boolean accepted = !(auth == ServerTls.ClientAuth.REQUIRE && !clientCert);
    try (Listener l = new Listener(address, server)) {
      if (!accepted) {
        assertClientRefused(Channels.dial(l.address(), options().withClientTls(client.build())));
        assertThat(l.accepts.get()).isZero();
        return;
      }
      Channel c = Channels.dial(l.address(), options().withClientTls(client.build())).get(10, TimeUnit.SECONDS);
      Channel s = l.accepted.get(10, TimeUnit.SECONDS);
      try {
        assertThat(c.sslSession().orElseThrow().getProtocol()).isEqualTo(version);
        assertThat(c.sslSession().orElseThrow().getPeerCertificates()[0])
            .isEqualTo(TlsFixtures.certs().server().certificate());
        SSLSession serverSide = s.sslSession().orElseThrow();
        if (clientCert && auth != ServerTls.ClientAuth.NONE) {
          assertThat(serverSide.getPeerCertificates()[0]).isEqualTo(TlsFixtures.certs().client().certificate());
        } else {
          assertThat(catchThrowable(serverSide::getPeerCertificates)).isInstanceOf(SSLPeerUnverifiedException.class);
        }
        assertEchoWorks(c, s);
      } finally {
        c.abort(new ChannelClosedException("test over"));
        s.abort(new ChannelClosedException("test over"));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "unix"})
  void clientRefusesAServerItDoesNotTrust(String kind) throws Exception {
    ServerTls untrusted = ServerTls.builder(TlsFixtures.certs().untrustedServer().key(),
        TlsFixtures.certs().untrustedServer().chain()).build();
    try (Listener l = new Listener(address(kind), untrusted)) {
      TlsHandshakeException e = dialFails(l.address(), clientFor(kind).build());
      assertThat(e.isRetryable()).isFalse();
      assertThat(causes(e)).anyMatch(t -> t instanceof SSLException)
          .anyMatch(t -> t instanceof CertificateException); // the chain did not validate
      assertThat(l.accepts.get()).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "unix"})
  void serverRefusesAClientCertificateItDoesNotTrust(String kind) throws Exception {
    ServerTls server = TlsFixtures.server().clientAuth(ServerTls.ClientAuth.REQUIRE)
        .trustCertificates(TlsFixtures.certs().ca()).build();
    ClientTls client = clientFor(kind).clientCertificate(TlsFixtures.certs().untrustedClient().key(),
        TlsFixtures.certs().untrustedClient().chain()).build();
    try (Listener l = new Listener(address(kind), server)) {
      assertClientRefused(Channels.dial(l.address(), options().withClientTls(client)));
      assertThat(l.accepts.get()).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "unix"})
  void wrongHostnameIsRefusedUnlessTheAuthorityOverrideNamesTheCertificate(String kind) throws Exception {
    ServerTls other = ServerTls.builder(TlsFixtures.certs().otherHostServer().key(),
        TlsFixtures.certs().otherHostServer().chain()).build();
    try (Listener l = new Listener(address(kind), other)) {
      TlsHandshakeException e = dialFails(l.address(), clientFor(kind).build());
      assertThat(e.isRetryable()).isFalse();
      assertThat(causes(e)).anyMatch(t -> t instanceof CertificateException
          && t.getMessage().contains(kind.equals("tcp") ? "127.0.0.1" : "localhost")); // the name did not match

      Channel ok = Channels.dial(l.address(),
          options().withClientTls(TlsFixtures.client().authority("other.example").build())).get(10, TimeUnit.SECONDS);
      ok.close().get(10, TimeUnit.SECONDS);

      Channel unchecked = Channels.dial(l.address(),
          options().withClientTls(TlsFixtures.client().hostnameVerification(false).build())).get(10, TimeUnit.SECONDS);
      unchecked.close().get(10, TimeUnit.SECONDS);
      // The client's handshake can finish a moment before the server's.
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> l.accepts.get() == 2);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "unix"})
  void dialTimesOutAgainstAServerThatNeverAnswersTheHello(String kind) throws Exception {
    SocketAddress address = address(kind);
    try (ServerSocketChannel silent = rawServer(address)) {
      SocketAddress bound = kind.equals("tcp") ? silent.getLocalAddress() : address;
      long start = System.nanoTime();
      TlsHandshakeException e = dialFails(bound, clientFor(kind).handshakeTimeout(SHORT).build());
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
      assertThat(e.getCause()).isInstanceOf(SslHandshakeTimeoutException.class);
      assertThat(e.isRetryable()).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "unix"})
  void serverClosesAConnectionThatNeverSendsAHello(String kind) throws Exception {
    ServerTls server = TlsFixtures.server().handshakeTimeout(SHORT).build();
    try (Listener l = new Listener(address(kind), server);
        SocketChannel raw = SocketChannel.open(l.address())) {
      CompletableFuture<Integer> eof = CompletableFuture.supplyAsync(() -> {
        ByteBuffer buf = ByteBuffer.allocate(1024);
        try {
          int n;
          while ((n = raw.read(buf)) >= 0) { // an alert may come first; then the end of the stream
            buf.clear();
          }
          return n;
        } catch (IOException e) {
          return -2; // a reset is a close too
        }
      });
      assertThat(eof.get(10, TimeUnit.SECONDS)).isNegative();
      assertThat(l.accepts.get()).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "unix"})
  void gracefulCloseSendsCloseNotifyAndAbortDoesNot(String kind) throws Exception {
    try (Listener l = new Listener(address(kind), TlsFixtures.server().build())) {
      Channel graceful = Channels.dial(l.address(), options().withClientTls(clientFor(kind).build()))
          .get(10, TimeUnit.SECONDS);
      NettyChannel gracefulPeer = (NettyChannel) l.accepted.get(10, TimeUnit.SECONDS);
      RecordingChannelHandler gracefulPeerHandler = new RecordingChannelHandler();
      gracefulPeer.start(gracefulPeerHandler);
      io.netty.util.concurrent.Future<?> notified = gracefulPeer.tlsCloseNotify(); // before the handler goes away
      graceful.close().get(10, TimeUnit.SECONDS);
      assertThat(gracefulPeerHandler.closed.get(10, TimeUnit.SECONDS)).isNull();
      assertThat(notified.await(10, TimeUnit.SECONDS)).isTrue();
      if (kind.equals("tcp")) {
        // Over a Unix socket the close_notify is sent too, but the alert and the end of the stream often arrive in
        // one read; Netty's SslHandler then settles its close future as failed (channel inactive) before its deferred
        // "close_notify received" notice runs, so only TCP can check the alert deterministically. The peer's handler
        // sees an orderly close either way (asserted above).
        assertThat(notified.isSuccess()).isTrue();
      }

      try (Listener l2 = new Listener(address(kind), TlsFixtures.server().build())) {
        Channel aborted = Channels.dial(l2.address(), options().withClientTls(clientFor(kind).build()))
            .get(10, TimeUnit.SECONDS);
        NettyChannel abortedPeer = (NettyChannel) l2.accepted.get(10, TimeUnit.SECONDS);
        abortedPeer.start(new RecordingChannelHandler());
        io.netty.util.concurrent.Future<?> notNotified = abortedPeer.tlsCloseNotify();
        aborted.abort(new IOException("boom"));
        abortedPeer.closeFuture().get(10, TimeUnit.SECONDS);
        assertThat(notNotified.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(notNotified.isSuccess()).isFalse();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "unix"})
  void bytesTheServerSendsAtOnceReachAClientThatStartsLater(String kind) throws Exception {
    byte[] greeting = "welcome".getBytes(StandardCharsets.UTF_8);
    try (Listener l = new Listener(address(kind), TlsFixtures.server().build())) {
      Channel c = Channels.dial(l.address(), options().withClientTls(clientFor(kind).build())).get(10, TimeUnit.SECONDS);
      Channel s = l.accepted.get(10, TimeUnit.SECONDS);
      s.start(new RecordingChannelHandler());
      s.executor().submit(() -> {
        s.write(s.alloc().buffer().writeBytes(greeting));
        s.flush();
      }).get(10, TimeUnit.SECONDS);
      RecordingChannelHandler h = new RecordingChannelHandler();
      c.start(h); // the TLS layer may have read the greeting already, before start: it must not be lost
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> h.received.get() >= greeting.length);
      assertThat(h.bytes()).isEqualTo(greeting);
      c.close().get(10, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "unix"})
  void aChannelThatClosesBeforeItStartsReleasesWhatItReadEarly(String kind) throws Exception {
    try (Listener l = new Listener(address(kind), TlsFixtures.server().build())) {
      Channel c = Channels.dial(l.address(), options().withClientTls(clientFor(kind).build())).get(10, TimeUnit.SECONDS);
      Channel s = l.accepted.get(10, TimeUnit.SECONDS);
      s.start(new RecordingChannelHandler());
      s.executor().submit(() -> {
        s.write(s.alloc().buffer().writeZero(4096));
        s.close();
      }).get(10, TimeUnit.SECONDS);
      c.closeFuture().get(10, TimeUnit.SECONDS); // never started: the leak check fails the class if bytes leaked
      assertThat(c.isOpen()).isFalse();
    }
  }

  @org.junit.jupiter.api.Test
  void keyAndTrustManagerFactoriesWorkLikeCertificates() throws Exception {
    char[] pw = "test".toCharArray();
    KeyStore serverKeys = KeyStore.getInstance("PKCS12");
    serverKeys.load(null, null);
    serverKeys.setKeyEntry("server", TlsFixtures.certs().server().key(), pw, TlsFixtures.certs().server().chain());
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(serverKeys, pw);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", TlsFixtures.certs().ca());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    try (Listener l = new Listener(address("tcp"), ServerTls.builder(kmf).build())) {
      Channel c = Channels.dial(l.address(), options().withClientTls(ClientTls.builder().trustManager(tmf).build()))
          .get(10, TimeUnit.SECONDS);
      assertThat(c.sslSession().orElseThrow().getPeerCertificates()[0])
          .isEqualTo(TlsFixtures.certs().server().certificate());
      c.close().get(10, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "unix"})
  void theAuthorityIsSentAsSni(String kind) throws Exception {
    try (Listener l = new Listener(address(kind), TlsFixtures.server().build())) {
      Channel c = Channels.dial(l.address(), options().withClientTls(TlsFixtures.client().authority("localhost")
          .build())).get(10, TimeUnit.SECONDS);
      ExtendedSSLSession serverSide = (ExtendedSSLSession) l.accepted.get(10, TimeUnit.SECONDS).sslSession()
          .orElseThrow();
      assertThat(serverSide.getRequestedServerNames()).containsExactly(new SNIHostName("localhost"));
      c.close().get(10, TimeUnit.SECONDS);
    }
  }

  @org.junit.jupiter.api.Test
  void anIpLiteralIsVerifiedButNotSentAsSni() throws Exception {
    try (Listener l = new Listener(address("tcp"), TlsFixtures.server().build())) {
      Channel c = Channels.dial(l.address(), options().withClientTls(TlsFixtures.client().build()))
          .get(10, TimeUnit.SECONDS);
      ExtendedSSLSession serverSide = (ExtendedSSLSession) l.accepted.get(10, TimeUnit.SECONDS).sslSession()
          .orElseThrow();
      assertThat(serverSide.getRequestedServerNames()).isEmpty();
      c.close().get(10, TimeUnit.SECONDS);
    }
  }

  static Stream<Arguments> serverNameChecks() {
    List<Arguments> cases = new ArrayList<>();
    for (String version : List.of("TLSv1.2", "TLSv1.3")) {
      for (String trust : List.of("certificates", "factory")) {
        cases.add(Arguments.of(version, trust));
      }
    }
    return cases.stream();
  }

  /**
   * The connection verified "localhost" (sent as SNI too); other names are checked against the same certificate
   * (SANs localhost, 127.0.0.1, ::1) with the same trust, for either TLS version and either way of giving the trust.
   */
  @ParameterizedTest(name = "{0} trust={1}")
  @MethodSource("serverNameChecks")
  void checkServerNameAcceptsTheCertificatesNamesOnlyWhateverTheConnectionVerified(String version, String trust)
      throws Exception {
    ClientTls.Builder b = trust.equals("factory") ? ClientTls.builder().trustManager(caTrustFactory())
        : TlsFixtures.client();
    ClientTls tls = b.authority("localhost").protocols(version).build();
    try (Listener l = new Listener(address("tcp"), TlsFixtures.server().protocols(version).build())) {
      Channel c = Channels.dial(l.address(), options().withClientTls(tls)).get(10, TimeUnit.SECONDS);
      try {
        SSLSession session = c.sslSession().orElseThrow();
        for (String covered : List.of("localhost", "LOCALHOST", "127.0.0.1", "::1")) {
          tls.checkServerName(session, covered); // does not throw
          tls.withAuthority("other.example").checkServerName(session, covered); // copies share the trust
        }
        for (String foreign : List.of("other.example", "localhost.example", "127.0.0.2", "::2")) {
          assertThat(catchThrowable(() -> tls.checkServerName(session, foreign)))
              .as(foreign).isInstanceOf(CertificateException.class);
        }
      } finally {
        c.close().get(10, TimeUnit.SECONDS);
      }
    }
  }

  @org.junit.jupiter.api.Test
  void checkServerNameRefusesACertificateOutsideItsTrustAndPassesAnyNameWithoutVerification() throws Exception {
    try (Listener l = new Listener(address("tcp"), TlsFixtures.server().build())) {
      ClientTls unverified = TlsFixtures.client().hostnameVerification(false).build();
      Channel c = Channels.dial(l.address(), options().withClientTls(unverified)).get(10, TimeUnit.SECONDS);
      try {
        SSLSession session = c.sslSession().orElseThrow();
        unverified.checkServerName(session, "other.example"); // names are not checked at all
        ClientTls otherTrust = ClientTls.builder().trustCertificates(TlsFixtures.certs().untrustedCa()).build();
        assertThat(catchThrowable(() -> otherTrust.checkServerName(session, "localhost")))
            .isInstanceOf(CertificateException.class);
      } finally {
        c.close().get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static TrustManagerFactory caTrustFactory() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", TlsFixtures.certs().ca());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    return tmf;
  }

  @org.junit.jupiter.api.Test
  void unixDialWithHostnameVerificationButNoAuthorityFailsAtOnce() throws Exception {
    Throwable t = catchThrowable(() -> Channels.dial(ChannelKinds.unixAddress(),
        options().withClientTls(TlsFixtures.client().build())).get(10, TimeUnit.SECONDS));
    assertThat(t).isInstanceOf(ExecutionException.class).cause().isInstanceOf(ConnectException.class)
        .hasMessageContaining("authority");
    assertThat(((ConnectException) t.getCause()).isRetryable()).isFalse();
  }

  @org.junit.jupiter.api.Test
  void tlsOptionsDoNotApplyToInProcessPipes() throws Exception {
    try (ChannelPair p = ChannelKinds.pipe(TlsFixtures.mutual(ChannelOptions.defaults()))) {
      assertThat(p.client.sslSession()).isEmpty();
      assertThat(p.server.sslSession()).isEmpty();
    }
  }

  // ---- helpers

  private static ChannelOptions options() {
    return ChannelOptions.defaults();
  }

  /** A client trusting the test CA; over a Unix socket it names the server, which has no host otherwise. */
  private static ClientTls.Builder clientFor(String kind) {
    return kind.equals("unix") ? TlsFixtures.client().authority("localhost") : TlsFixtures.client();
  }

  private static SocketAddress address(String kind) throws IOException {
    if (kind.equals("unix")) {
      return ChannelKinds.unixAddress();
    }
    return new InetSocketAddress("127.0.0.1", 0);
  }

  private static ServerSocketChannel rawServer(SocketAddress address) throws IOException {
    ServerSocketChannel s = ServerSocketChannel.open(address instanceof UnixDomainSocketAddress
        ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET);
    s.bind(address);
    return s;
  }

  private static TlsHandshakeException dialFails(SocketAddress address, ClientTls tls) throws Exception {
    Throwable t = catchThrowable(() -> Channels.dial(address, options().withClientTls(tls)).get(15, TimeUnit.SECONDS));
    assertThat(t).isInstanceOf(ExecutionException.class);
    assertThat(t.getCause()).isInstanceOf(TlsHandshakeException.class);
    assertThat(t.getCause().getCause()).isNotNull();
    return (TlsHandshakeException) t.getCause();
  }

  /**
   * The server refused the client's certificate. Under TLS 1.2 the dial fails; under TLS 1.3 the client has finished
   * its handshake before the server checks its certificate, so the dial may succeed and the channel then closes with
   * the server's alert as an SSL error. Either way: a typed error with the cause, no hang.
   */
  private static void assertClientRefused(CompletableFuture<Channel> dial) throws Exception {
    Channel c;
    try {
      c = dial.get(15, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(TlsHandshakeException.class);
      assertThat(causes(e.getCause())).anyMatch(t -> t instanceof SSLException);
      assertThat(((TlsHandshakeException) e.getCause()).isRetryable()).isFalse();
      return;
    }
    RecordingChannelHandler h = new RecordingChannelHandler();
    c.start(h);
    assertThat(causes(h.closed.get(15, TimeUnit.SECONDS))).anyMatch(t -> t instanceof SSLException);
  }

  private static List<Throwable> causes(Throwable t) {
    List<Throwable> list = new ArrayList<>();
    for (Throwable c = t; c != null && !list.contains(c); c = c.getCause()) {
      list.add(c);
    }
    return list;
  }

  /** The client writes, the server echoes, the client reads the same bytes back. */
  private static void assertEchoWorks(Channel client, Channel server) throws Exception {
    server.start(new ChannelHandler() {
      @Override
      public void channelRead(ByteBuf data) {
        server.write(data);
      }

      @Override
      public void channelReadComplete() {
        server.flush();
      }

      @Override
      public void channelClosed(Throwable cause) {}
    });
    RecordingChannelHandler h = new RecordingChannelHandler();
    client.start(h);
    byte[] hello = "hello over tls".getBytes(StandardCharsets.UTF_8);
    client.executor().submit(() -> {
      client.write(client.alloc().buffer().writeBytes(hello));
      client.flush();
    }).get(10, TimeUnit.SECONDS);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> h.received.get() >= hello.length);
    assertThat(h.bytes()).isEqualTo(hello);
  }

  /** A TLS listener that records what it accepts. */
  private static final class Listener implements AutoCloseable {
    final AtomicInteger accepts = new AtomicInteger();
    final CompletableFuture<Channel> accepted = new CompletableFuture<>();
    final List<Channel> channels = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ChannelAcceptor acceptor;

    Listener(SocketAddress address, ServerTls tls) throws IOException {
      acceptor = Channels.listen(address, options().withServerTls(tls), ch -> {
        accepts.incrementAndGet();
        channels.add(ch);
        accepted.complete(ch);
      });
    }

    SocketAddress address() {
      return acceptor.localAddress();
    }

    @Override
    public void close() throws IOException {
      acceptor.close();
      for (Channel ch : channels) {
        ch.abort(new ChannelClosedException("test over"));
        ch.closeFuture().orTimeout(10, TimeUnit.SECONDS).join();
      }
    }
  }
}
