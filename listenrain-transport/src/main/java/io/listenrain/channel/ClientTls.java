package io.listenrain.channel;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;

/**
 * The client side of TLS for channels dialed by {@link Channels#dial} (TCP and Unix sockets): what to trust, whether
 * to check the server's name, and an optional client certificate for mutual TLS. Immutable and thread-safe; build it
 * once and share it, since {@link Builder#build()} does the costly setup (the SSL context) up front.
 *
 * <h2>What is verified by default</h2>
 * <ul>
 *   <li><b>The server's certificate chain</b>, against the JDK's default trust store unless
 *       {@link Builder#trustCertificates} or {@link Builder#trustManager} says otherwise.</li>
 *   <li><b>The server's name</b> (endpoint identification algorithm {@code "HTTPS"}, RFC 2818): the certificate
 *       must name the {@link Builder#authority(String) authority override} if one is set, else the dialed host (the
 *       host string of the {@link java.net.InetSocketAddress}, which may be an IP literal, matched against IP SANs).
 *       The same name is sent as SNI when it is a DNS name (never an IP literal). A Unix socket has no host: with verification on, an
 *       authority override is required, and dialing fails at once without one.</li>
 * </ul>
 * Turning {@link Builder#hostnameVerification(boolean) hostname verification} off still verifies the chain.
 *
 * <h2>Handshake</h2>
 * The dial future completes only after the handshake succeeds; a failed one fails the dial with a
 * {@link TlsHandshakeException} carrying the cause. A handshake that has not finished after
 * {@link Builder#handshakeTimeout(Duration) the handshake timeout} (default {@value #DEFAULT_HANDSHAKE_TIMEOUT_SECONDS}
 * s, counted from the TCP connect) fails the same way. No ALPN is offered: the framing above TLS is chosen by the
 * ListenRain protocol (its preface), not by TLS.
 *
 * <p>The TLS engine is the JDK's ({@code SSLEngine}); no native library is needed. With TLS 1.3 a client finishes
 * its handshake before the server has checked the client certificate, so a server that rejects the certificate is
 * seen by the client as the channel closing with an {@link javax.net.ssl.SSLException} cause soon after the dial
 * succeeded, not as a failed dial.
 */
public final class ClientTls {
  /** Default handshake timeout, in seconds. */
  public static final long DEFAULT_HANDSHAKE_TIMEOUT_SECONDS = 10;

  private final SslContext context;
  private final boolean hostnameVerification;
  private final String authority;
  private final Duration handshakeTimeout;
  private final boolean clientCertificate;
  private final List<String> protocols;
  private final ServerNameCheck names;

  private ClientTls(Builder b, SslContext context) {
    this(context, b.hostnameVerification, b.authority, b.handshakeTimeout, b.keyFactory != null || b.key != null,
        b.protocols, new ServerNameCheck(b.trustCertificates, b.trustFactory));
  }

  private ClientTls(SslContext context, boolean hostnameVerification, String authority, Duration handshakeTimeout,
      boolean clientCertificate, List<String> protocols, ServerNameCheck names) {
    this.context = context;
    this.names = names;
    this.hostnameVerification = hostnameVerification;
    this.authority = authority;
    this.handshakeTimeout = handshakeTimeout;
    this.clientCertificate = clientCertificate;
    this.protocols = protocols;
  }

  /** A builder that trusts the JDK's default trust store and verifies host names, with no client certificate. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether the server's certificate must name the authority or the dialed host. */
  public boolean hostnameVerification() {
    return hostnameVerification;
  }

  /** The name checked against the server's certificate (and sent as SNI) instead of the dialed host, if set. */
  public Optional<String> authority() {
    return Optional.ofNullable(authority);
  }

  /**
   * This TLS with {@code authority} as the name to verify and send as SNI (see {@link Builder#authority(String)}).
   * Cheap: the copy shares this one's SSL context, so one context can serve many authorities.
   */
  public ClientTls withAuthority(String authority) {
    checkAuthority(authority);
    return new ClientTls(context, hostnameVerification, authority, handshakeTimeout, clientCertificate, protocols,
        names);
  }

  /**
   * Checks that the server certificate of {@code session}, a session this TLS established, is also valid for
   * {@code host}: trusted by this TLS's trust and naming {@code host} by the rules of the handshake (RFC 2818; an IP
   * literal is matched against IP SANs). For a request that names another authority than its connection's, as gRPC
   * checks a call's authority override. With hostname verification off any host passes (the handshake has checked
   * the chain, and names are not checked at all).
   *
   * @throws CertificateException if the certificate does not cover {@code host}, or the trust manager is not an
   *     {@code X509ExtendedTrustManager} and so cannot check names
   */
  public void checkServerName(SSLSession session, String host) throws CertificateException {
    if (hostnameVerification) {
      names.check(session, host);
    }
  }

  /** How long the handshake may take, counted from the TCP connect. */
  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /** Whether a client certificate is offered (mutual TLS). */
  public boolean hasClientCertificate() {
    return clientCertificate;
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
    return "ClientTls(verifyHost=" + hostnameVerification + (authority != null ? ", authority=" + authority : "")
        + ", clientCert=" + clientCertificate + ", handshakeTimeout=" + handshakeTimeout + ")";
  }

  private static void checkAuthority(String authority) {
    if (authority != null && authority.isBlank()) {
      throw new IllegalArgumentException("blank authority");
    }
  }

  /** Builds a {@link ClientTls}. Not thread-safe. */
  public static final class Builder {
    private List<X509Certificate> trustCertificates;
    private TrustManagerFactory trustFactory;
    private PrivateKey key;
    private List<X509Certificate> keyChain;
    private KeyManagerFactory keyFactory;
    private boolean hostnameVerification = true;
    private String authority;
    private Duration handshakeTimeout = Duration.ofSeconds(DEFAULT_HANDSHAKE_TIMEOUT_SECONDS);
    private List<String> protocols = List.of();

    private Builder() {}

    /** Trusts exactly these CA (or self-signed) certificates instead of the JDK's default trust store. */
    public Builder trustCertificates(X509Certificate... certificates) {
      return trustCertificates(Arrays.asList(certificates));
    }

    /** Trusts exactly these CA (or self-signed) certificates instead of the JDK's default trust store. */
    public Builder trustCertificates(List<X509Certificate> certificates) {
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("no trust certificates");
      }
      this.trustCertificates = List.copyOf(certificates);
      this.trustFactory = null;
      return this;
    }

    /** Verifies the server's chain with this factory's trust managers (a trust store, a custom policy...). */
    public Builder trustManager(TrustManagerFactory factory) {
      this.trustFactory = Objects.requireNonNull(factory, "factory");
      this.trustCertificates = null;
      return this;
    }

    /** Offers this certificate chain (leaf first) and key to servers that ask for one: mutual TLS. */
    public Builder clientCertificate(PrivateKey key, X509Certificate... chain) {
      if (chain.length == 0) {
        throw new IllegalArgumentException("empty certificate chain");
      }
      this.key = Objects.requireNonNull(key, "key");
      this.keyChain = List.of(chain);
      this.keyFactory = null;
      return this;
    }

    /** Offers the client certificate that this factory's key managers choose: mutual TLS. */
    public Builder clientCertificate(KeyManagerFactory factory) {
      this.keyFactory = Objects.requireNonNull(factory, "factory");
      this.key = null;
      this.keyChain = null;
      return this;
    }

    /**
     * Whether to check that the server's certificate names the host (on by default). Off leaves the connection open
     * to anyone holding any certificate the trust accepts: use it only with a private CA that names no one else.
     */
    public Builder hostnameVerification(boolean on) {
      this.hostnameVerification = on;
      return this;
    }

    /**
     * The name to verify the server's certificate against and to send as SNI, instead of the dialed host; for
     * example a service name when dialing an IP address, or the server's name over a Unix socket. {@code null}
     * clears it.
     */
    public Builder authority(String authority) {
      checkAuthority(authority);
      this.authority = authority;
      return this;
    }

    /** The most time the handshake may take after the connection is up; must be positive. Default 10 s. */
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
    public ClientTls build() {
      SslContextBuilder b = SslContextBuilder.forClient();
      if (key != null) {
        b.keyManager(key, keyChain);
      } else if (keyFactory != null) {
        b.keyManager(keyFactory);
      }
      b.endpointIdentificationAlgorithm(hostnameVerification ? "HTTPS" : null);
      return new ClientTls(this, TlsHandlers.build(b, "client", trustCertificates, trustFactory, protocols));
    }
  }
}
