package io.listenrain.channel;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks an established session's server certificate against another name than the one the handshake verified,
 * with the same trust and the same rules (chain, then RFC 2818 name matching by the JDK): what a gRPC call whose
 * authority differs from its connection's needs. The trust manager is built on first use, from the same inputs the
 * handshake's context was built from; thread-safe.
 */
final class ServerNameCheck {
  /**
   * The key-exchange type passed to the trust manager. The JDK passes this value itself for TLS 1.3, and it asks
   * only for a signing key; the handshake has already checked the key for the real cipher suite.
   */
  private static final String AUTH_TYPE = "UNKNOWN";

  private final List<X509Certificate> trustCertificates;
  private final TrustManagerFactory trustFactory;
  private volatile X509ExtendedTrustManager trust;

  /** With neither certificates nor a factory, the JDK's default trust store, as for the handshake. */
  ServerNameCheck(List<X509Certificate> trustCertificates, TrustManagerFactory trustFactory) {
    this.trustCertificates = trustCertificates;
    this.trustFactory = trustFactory;
  }

  /** Throws unless the server certificate of {@code session} chains to the trust and names {@code host}. */
  void check(SSLSession session, String host) throws CertificateException {
    Objects.requireNonNull(host, "host");
    Certificate[] peer;
    try {
      peer = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      throw new CertificateException("the session has no verified server certificate", e);
    }
    X509Certificate[] chain = new X509Certificate[peer.length];
    for (int i = 0; i < peer.length; i++) {
      if (!(peer[i] instanceof X509Certificate)) {
        throw new CertificateException("not an X.509 server certificate: " + peer[i].getType());
      }
      chain[i] = (X509Certificate) peer[i];
    }
    trustManager().checkServerTrusted(chain, AUTH_TYPE, new NamedPeer(session, host));
  }

  private X509ExtendedTrustManager trustManager() throws CertificateException {
    X509ExtendedTrustManager t = trust;
    if (t == null) {
      t = build();
      trust = t; // a race builds two equal managers; either serves
    }
    return t;
  }

  private X509ExtendedTrustManager build() throws CertificateException {
    TrustManager[] managers;
    try {
      TrustManagerFactory f = trustFactory;
      if (f == null) {
        f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(trustCertificates == null ? null : keyStoreOf(trustCertificates));
      }
      managers = f.getTrustManagers();
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new CertificateException("cannot set up the trust to check a server name", e);
    }
    for (TrustManager m : managers) {
      if (m instanceof X509ExtendedTrustManager) {
        return (X509ExtendedTrustManager) m;
      }
    }
    throw new CertificateException("the trust manager cannot check server names (not an X509ExtendedTrustManager)");
  }

  private static KeyStore keyStoreOf(List<X509Certificate> certificates)
      throws GeneralSecurityException, java.io.IOException {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    for (int i = 0; i < certificates.size(); i++) {
      ks.setCertificateEntry("trusted-" + i, certificates.get(i));
    }
    return ks;
  }

  /**
   * What the trust manager reads of an engine to check a name: the peer host, the handshake session (whose peer
   * host is the name, and which names no SNI host that could stand in for it) and endpoint identification "HTTPS".
   * It does no TLS: every other method refuses.
   */
  private static final class NamedPeer extends SSLEngine {
    private final SSLSession session;

    NamedPeer(SSLSession real, String host) {
      super(host, real.getPeerPort());
      this.session = new RenamedSession(real, host);
    }

    @Override
    public SSLSession getHandshakeSession() {
      return session;
    }

    @Override
    public SSLSession getSession() {
      return session;
    }

    @Override
    public SSLParameters getSSLParameters() {
      SSLParameters p = new SSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      return p;
    }

    @Override
    public boolean getUseClientMode() {
      return true;
    }

    private static UnsupportedOperationException noTls() {
      return new UnsupportedOperationException("a view for checking a server name; it does no TLS");
    }

    @Override
    public SSLEngineResult wrap(java.nio.ByteBuffer[] srcs, int offset, int length, java.nio.ByteBuffer dst) {
      throw noTls();
    }

    @Override
    public SSLEngineResult unwrap(java.nio.ByteBuffer src, java.nio.ByteBuffer[] dsts, int offset, int length) {
      throw noTls();
    }

    @Override
    public Runnable getDelegatedTask() {
      return null;
    }

    @Override
    public void closeInbound() {}

    @Override
    public boolean isInboundDone() {
      return true;
    }

    @Override
    public void closeOutbound() {}

    @Override
    public boolean isOutboundDone() {
      return true;
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return new String[0];
    }

    @Override
    public String[] getEnabledCipherSuites() {
      return new String[0];
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
      throw noTls();
    }

    @Override
    public String[] getSupportedProtocols() {
      return new String[0];
    }

    @Override
    public String[] getEnabledProtocols() {
      return new String[0];
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
      throw noTls();
    }

    @Override
    public void beginHandshake() {
      throw noTls();
    }

    @Override
    public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
      return SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING;
    }

    @Override
    public void setUseClientMode(boolean mode) {
      throw noTls();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
      throw noTls();
    }

    @Override
    public boolean getNeedClientAuth() {
      return false;
    }

    @Override
    public void setWantClientAuth(boolean want) {
      throw noTls();
    }

    @Override
    public boolean getWantClientAuth() {
      return false;
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
      throw noTls();
    }

    @Override
    public boolean getEnableSessionCreation() {
      return false;
    }
  }

  /**
   * The real session with another peer host. Deliberately a plain {@link SSLSession}, not an
   * {@code ExtendedSSLSession}: the JDK would otherwise match the connection's SNI name first and accept the
   * certificate for it, whatever the host asked about.
   */
  private static final class RenamedSession implements SSLSession {
    private final SSLSession real;
    private final String host;

    RenamedSession(SSLSession real, String host) {
      this.real = real;
      this.host = host;
    }

    @Override
    public String getPeerHost() {
      return host;
    }

    @Override
    public byte[] getId() {
      return real.getId();
    }

    @Override
    public SSLSessionContext getSessionContext() {
      return real.getSessionContext();
    }

    @Override
    public long getCreationTime() {
      return real.getCreationTime();
    }

    @Override
    public long getLastAccessedTime() {
      return real.getLastAccessedTime();
    }

    @Override
    public void invalidate() {
      throw new UnsupportedOperationException("a read-only view of the session");
    }

    @Override
    public boolean isValid() {
      return real.isValid();
    }

    @Override
    public void putValue(String name, Object value) {
      throw new UnsupportedOperationException("a read-only view of the session");
    }

    @Override
    public Object getValue(String name) {
      return real.getValue(name);
    }

    @Override
    public void removeValue(String name) {
      throw new UnsupportedOperationException("a read-only view of the session");
    }

    @Override
    public String[] getValueNames() {
      return real.getValueNames();
    }

    @Override
    public Certificate[] getPeerCertificates() throws SSLPeerUnverifiedException {
      return real.getPeerCertificates();
    }

    @Override
    public Certificate[] getLocalCertificates() {
      return real.getLocalCertificates();
    }

    @Override
    public Principal getPeerPrincipal() throws SSLPeerUnverifiedException {
      return real.getPeerPrincipal();
    }

    @Override
    public Principal getLocalPrincipal() {
      return real.getLocalPrincipal();
    }

    @Override
    public String getCipherSuite() {
      return real.getCipherSuite();
    }

    @Override
    public String getProtocol() {
      return real.getProtocol();
    }

    @Override
    public int getPeerPort() {
      return real.getPeerPort();
    }

    @Override
    public int getPacketBufferSize() {
      return real.getPacketBufferSize();
    }

    @Override
    public int getApplicationBufferSize() {
      return real.getApplicationBufferSize();
    }
  }
}
