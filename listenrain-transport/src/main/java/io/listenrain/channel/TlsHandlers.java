package io.listenrain.channel;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/** Builds the {@link SslHandler} that sits under a {@link NettyChannel}'s bridge, and classifies handshake errors. */
final class TlsHandlers {
  /** The pipeline name of the TLS handler. */
  static final String NAME = "listenrain-tls";

  /**
   * After sending close_notify on a graceful close, how long to keep reading for the peer's close_notify before the
   * socket closes. Closing at once could leave records the peer sent unread (TLS 1.3 session tickets arrive after
   * the handshake), and a socket closed with unread input answers with a reset instead of a FIN, which can reach the
   * peer before it has read everything we wrote.
   */
  static final long CLOSE_NOTIFY_READ_TIMEOUT_MILLIS = 1_000;

  private TlsHandlers() {}

  /**
   * A client-mode handler for a connection to {@code address}, or an exception if the options cannot apply (hostname
   * verification over a Unix socket without an authority override).
   */
  static SslHandler client(ClientTls tls, ByteBufAllocator alloc, SocketAddress address) throws IOException {
    checkApplicable(tls, address);
    String host = tls.authority().orElse(null);
    int port = -1;
    if (address instanceof InetSocketAddress) {
      InetSocketAddress inet = (InetSocketAddress) address;
      if (host == null) {
        host = inet.getHostString();
      }
      port = inet.getPort();
    }
    SslHandler h = host != null ? tls.context().newHandler(alloc, host, port) : tls.context().newHandler(alloc);
    if (host != null) {
      requestServerName(h.engine(), host);
    }
    h.setHandshakeTimeout(tls.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    h.setCloseNotifyReadTimeoutMillis(CLOSE_NOTIFY_READ_TIMEOUT_MILLIS);
    return h;
  }

  /** Sends {@code host} as SNI (the engine does not derive it from its peer host), unless it is an IP literal. */
  private static void requestServerName(SSLEngine engine, String host) {
    if (NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)) {
      return; // RFC 6066: SNI carries DNS names only
    }
    SNIHostName name;
    try {
      name = new SNIHostName(host);
    } catch (IllegalArgumentException e) {
      return; // not a name SNI can carry; verification still uses it
    }
    SSLParameters p = engine.getSSLParameters();
    p.setServerNames(List.of(name));
    engine.setSSLParameters(p);
  }

  /** Fails if {@code tls} cannot apply to {@code address}: hostname verification with no host to verify. */
  static void checkApplicable(ClientTls tls, SocketAddress address) throws IOException {
    if (!(address instanceof InetSocketAddress) && tls.authority().isEmpty() && tls.hostnameVerification()) {
      throw new IOException("hostname verification over " + address + " needs an authority override"
          + " (ClientTls.Builder.authority) or hostname verification off");
    }
  }

  /** The versions as a list, if the JDK supports every one of them. */
  static List<String> checkProtocols(String... versions) {
    List<String> list = List.of(versions);
    List<String> supported;
    try {
      supported = Arrays.asList(SSLContext.getDefault().getSupportedSSLParameters().getProtocols());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default SSLContext", e);
    }
    for (String v : list) {
      if (!supported.contains(v)) {
        throw new IllegalArgumentException("TLS version " + v + " is not supported here; supported: " + supported);
      }
    }
    return list;
  }

  /** A handshake timeout as both sides accept it: positive. */
  static Duration checkHandshakeTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("handshake timeout must be positive: " + timeout);
    }
    return timeout;
  }

  /**
   * What client and server contexts share: the JDK provider, the trust (certificates, or a factory, or neither for
   * the JDK default), and the TLS versions; then builds, turning a bad key or trust into IllegalArgumentException.
   */
  static SslContext build(SslContextBuilder b, String side, List<X509Certificate> trustCertificates,
      TrustManagerFactory trustFactory, List<String> protocols) {
    b.sslProvider(SslProvider.JDK);
    if (trustCertificates != null) {
      b.trustManager(trustCertificates);
    } else if (trustFactory != null) {
      b.trustManager(trustFactory);
    }
    if (!protocols.isEmpty()) {
      b.protocols(protocols);
    }
    try {
      return b.build();
    } catch (SSLException | RuntimeException e) {
      throw new IllegalArgumentException("cannot build the " + side + " TLS context: " + e.getMessage(), e);
    }
  }

  /** A server-mode handler. */
  static SslHandler server(ServerTls tls, ByteBufAllocator alloc) {
    SslHandler h = tls.context().newHandler(alloc);
    h.setHandshakeTimeout(tls.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    h.setCloseNotifyReadTimeoutMillis(CLOSE_NOTIFY_READ_TIMEOUT_MILLIS);
    return h;
  }

  /** The typed error for a failed client handshake. */
  static TlsHandshakeException handshakeFailed(SocketAddress address, Throwable cause) {
    return new TlsHandshakeException("TLS handshake with " + address + " failed: " + cause, cause, retryable(cause));
  }

  /** Time-outs and dropped connections may pass next time; certificate and protocol errors will not. */
  static boolean retryable(Throwable cause) {
    if (cause instanceof SslHandshakeTimeoutException) {
      return true;
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof SSLException || t instanceof CertificateException) {
        return false;
      }
    }
    return cause instanceof IOException;
  }
}
