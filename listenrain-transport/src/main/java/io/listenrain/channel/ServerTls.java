package io.listenrain.channel;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The server side of TLS for channels accepted by {@link Channels#listen} (TCP and Unix sockets): the server's
 * certificate and key, and whether and how clients must present certificates (mutual TLS). Immutable and
 * thread-safe; {@link Builder#build()} does the costly setup (the SSL context) up front.
 *
 * <h2>Accepting</h2>
 * An accepted connection is handed to the {@link ChannelAcceptor.AcceptListener} only after its handshake succeeds.
 * A connection whose handshake fails (a bad or missing client certificate under {@link ClientAuth#REQUIRE}, a
 * protocol mismatch, a client that says nothing for {@link Builder#handshakeTimeout(Duration) the handshake
 * timeout}, default {@value ClientTls#DEFAULT_HANDSHAKE_TIMEOUT_SECONDS} s) is closed, after the TLS alert is sent,
 * and the listener never hears of it.
 *
 * <h2>What is verified by default</h2>
 * Nothing about the client: {@link ClientAuth#NONE}. With {@link ClientAuth#OPTIONAL} a certificate the client
 * offers must chain to the trust ({@link Builder#trustCertificates}, {@link Builder#trustManager}, or the JDK's
 * default trust store), but a client without one is accepted; with {@link ClientAuth#REQUIRE} a trusted certificate
 * is mandatory. Client certificates are never checked against a host name. The peer's identity is in the channel's
 * {@link Channel#sslSession()}. No ALPN is negotiated (see {@link ClientTls}).
 */
public final class ServerTls {
  /** Whether a server asks clients for a certificate. */
  public enum ClientAuth {
    /** Clients are not asked for a certificate. */
    NONE,
    /** Clients are asked; one that sends none is accepted, one that sends an untrusted one is refused. */
    OPTIONAL,
    /** Clients must send a certificate that chains to the server's trust. */
    REQUIRE
  }

  private final SslContext context;
  private final ClientAuth clientAuth;
  private final Duration handshakeTimeout;
  private final List<String> protocols;

  private ServerTls(Builder b, SslContext context) {
    this.context = context;
    this.clientAuth = b.clientAuth;
    this.handshakeTimeout = b.handshakeTimeout;
    this.protocols = b.protocols;
  }

  /** A builder for a server presenting this certificate chain (leaf first) with its private key. */
  public static Builder builder(PrivateKey key, X509Certificate... chain) {
    if (chain.length == 0) {
      throw new IllegalArgumentException("empty certificate chain");
    }
    return new Builder(Objects.requireNonNull(key, "key"), List.of(chain), null);
  }

  /** A builder for a server presenting the certificate that this factory's key managers choose. */
  public static Builder builder(KeyManagerFactory keyManagers) {
    return new Builder(null, null, Objects.requireNonNull(keyManagers, "keyManagers"));
  }

  public ClientAuth clientAuth() {
    return clientAuth;
  }

  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /** The TLS versions enabled, or empty for the JDK's defaults. */
  public List<String> protocols() {
    return protocols;
  }

  SslContext context() {
    return context;
  }

  @Override
  public String toString() {
    return "ServerTls(clientAuth=" + clientAuth + ", handshakeTimeout=" + handshakeTimeout + ")";
  }

  /** Builds a {@link ServerTls}. Not thread-safe. */
  public static final class Builder {
    private final PrivateKey key;
    private final List<X509Certificate> chain;
    private final KeyManagerFactory keyFactory;
    private List<X509Certificate> trustCertificates;
    private TrustManagerFactory trustFactory;
    private ClientAuth clientAuth = ClientAuth.NONE;
    private Duration handshakeTimeout = Duration.ofSeconds(ClientTls.DEFAULT_HANDSHAKE_TIMEOUT_SECONDS);
    private List<String> protocols = List.of();

    private Builder(PrivateKey key, List<X509Certificate> chain, KeyManagerFactory keyFactory) {
      this.key = key;
      this.chain = chain;
      this.keyFactory = keyFactory;
    }

    /** Whether clients must, may or need not present a certificate. Default {@link ClientAuth#NONE}. */
    public Builder clientAuth(ClientAuth auth) {
      this.clientAuth = Objects.requireNonNull(auth, "auth");
      return this;
    }

    /** Trusts client certificates that chain to exactly these CA certificates. */
    public Builder trustCertificates(X509Certificate... certificates) {
      return trustCertificates(Arrays.asList(certificates));
    }

    /** Trusts client certificates that chain to exactly these CA certificates. */
    public Builder trustCertificates(List<X509Certificate> certificates) {
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("no trust certificates");
      }
      this.trustCertificates = List.copyOf(certificates);
      this.trustFactory = null;
      return this;
    }

    /** Verifies client certificates with this factory's trust managers. */
    public Builder trustManager(TrustManagerFactory factory) {
      this.trustFactory = Objects.requireNonNull(factory, "factory");
      this.trustCertificates = null;
      return this;
    }

    /** The most time a handshake may take after the connection is accepted; must be positive. Default 10 s. */
    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = TlsHandlers.checkHandshakeTimeout(timeout);
      return this;
    }

    /**
     * Restricts the TLS versions, e.g. {@code "TLSv1.3"}; none given keeps the JDK's defaults.
     *
     * @throws IllegalArgumentException if the JDK does not support one of them
     */
    public Builder protocols(String... versions) {
      this.protocols = TlsHandlers.checkProtocols(versions);
      return this;
    }

    /**
     * Builds the SSL context.
     *
     * @throws IllegalArgumentException if the key material or trust cannot be used
     */
    public ServerTls build() {
      SslContextBuilder b = key != null ? SslContextBuilder.forServer(key, chain)
          : SslContextBuilder.forServer(keyFactory);
      switch (clientAuth) {
        case REQUIRE:
          b.clientAuth(io.netty.handler.ssl.ClientAuth.REQUIRE);
          break;
        case OPTIONAL:
          b.clientAuth(io.netty.handler.ssl.ClientAuth.OPTIONAL);
          break;
        default:
          b.clientAuth(io.netty.handler.ssl.ClientAuth.NONE);
          break;
      }
      return new ServerTls(this, TlsHandlers.build(b, "server", trustCertificates, trustFactory, protocols));
    }
  }
}
