package io.listenrain.examples;

import io.listenrain.channel.ClientTls;
import io.listenrain.channel.ServerTls;
import io.listenrain.channel.ServerTls.ClientAuth;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The launcher's TLS flags, all PEM files: {@code --tls-cert FILE --tls-key FILE} (this end's certificate chain, leaf
 * first, and its unencrypted PKCS#8 key), {@code --tls-client-ca FILE} (serve: require client certificates issued by
 * these CAs, mutual TLS) and {@code --tls-ca FILE} (call: trust these CAs instead of the JDK's).
 */
final class TlsFiles {
  Path cert;
  Path key;
  Path clientCa;
  Path ca;
  /** Arguments that were not TLS flags, in order. */
  final List<String> rest = new ArrayList<>();

  /** Takes the TLS flags out of {@code args}. */
  static TlsFiles parse(List<String> args) {
    TlsFiles t = new TlsFiles();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--tls-cert" -> t.cert = Path.of(value(args, ++i, a));
        case "--tls-key" -> t.key = Path.of(value(args, ++i, a));
        case "--tls-client-ca" -> t.clientCa = Path.of(value(args, ++i, a));
        case "--tls-ca" -> t.ca = Path.of(value(args, ++i, a));
        default -> t.rest.add(a);
      }
    }
    if ((t.cert == null) != (t.key == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together");
    }
    return t;
  }

  private static String value(List<String> args, int i, String flag) {
    if (i >= args.size()) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args.get(i);
  }

  /** Whether a client should use TLS. */
  boolean clientTlsWanted() {
    return ca != null || cert != null;
  }

  /** The server's TLS, or {@code null} for plaintext. */
  ServerTls serverTls() throws IOException, GeneralSecurityException {
    if (cert == null) {
      if (clientCa != null) {
        throw new IllegalArgumentException("--tls-client-ca needs --tls-cert and --tls-key");
      }
      return null;
    }
    ServerTls.Builder b = ServerTls.builder(privateKey(key), certificates(cert).toArray(new X509Certificate[0]));
    if (clientCa != null) {
      b.clientAuth(ClientAuth.REQUIRE).trustCertificates(certificates(clientCa));
    }
    return b.build();
  }

  /** The client's TLS: trust {@code --tls-ca} (else the JDK's CAs), present {@code --tls-cert} if given. */
  ClientTls clientTls() throws IOException, GeneralSecurityException {
    ClientTls.Builder b = ClientTls.builder();
    if (ca != null) {
      b.trustCertificates(certificates(ca));
    }
    if (cert != null) {
      b.clientCertificate(privateKey(key), certificates(cert).toArray(new X509Certificate[0]));
    }
    return b.build();
  }

  static List<X509Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
    List<X509Certificate> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(pem)) {
      for (java.security.cert.Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no certificate in " + pem);
    }
    return out;
  }

  /** An unencrypted PKCS#8 ("BEGIN PRIVATE KEY") RSA, EC or Ed25519 key. */
  static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = text.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(pem + " holds no unencrypted PKCS#8 key (BEGIN PRIVATE KEY)");
    }
    byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
    GeneralSecurityException last = null;
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }
}
