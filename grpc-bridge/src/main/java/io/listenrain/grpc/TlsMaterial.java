package io.listenrain.grpc;

import io.netty.handler.ssl.util.SimpleKeyManagerFactory;
import io.netty.handler.ssl.util.SimpleTrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Turns the forms gRPC hands TLS material in (PEM bytes, key and trust manager lists) into what {@code ClientTls} and
 * {@code ServerTls} take. PEM private keys must be unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}); RSA, EC, EdDSA and
 * XDH keys are recognised. Errors are {@link IllegalArgumentException}s naming what could not be read.
 */
final class TlsMaterial {
  private static final Pattern PKCS8 = Pattern.compile(
      "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "EdDSA", "XDH", "DSA"};

  private TlsMaterial() {}

  /** Every certificate in a PEM (or DER) stream, in order; at least one. */
  static List<X509Certificate> certificates(InputStream pem) {
    Collection<? extends Certificate> all;
    try {
      all = CertificateFactory.getInstance("X.509").generateCertificates(pem);
    } catch (CertificateException e) {
      throw new IllegalArgumentException("cannot read the PEM certificates: " + e.getMessage(), e);
    }
    List<X509Certificate> out = new ArrayList<>();
    for (Certificate c : all) {
      out.add((X509Certificate) c);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no certificate in the PEM input");
    }
    return out;
  }

  static List<X509Certificate> certificates(byte[] pem) {
    return certificates(new ByteArrayInputStream(pem));
  }

  /** The unencrypted PKCS#8 private key in a PEM stream. */
  static PrivateKey privateKey(InputStream pem) throws IOException {
    return privateKey(pem.readAllBytes());
  }

  static PrivateKey privateKey(byte[] pem) {
    String text = new String(pem, StandardCharsets.US_ASCII);
    Matcher m = PKCS8.matcher(text);
    if (!m.find()) {
      String kind = text.contains("ENCRYPTED PRIVATE KEY") ? "an encrypted PKCS#8 key"
          : text.contains("RSA PRIVATE KEY") || text.contains("EC PRIVATE KEY") ? "a PKCS#1/SEC1 key"
          : "no PEM private key";
      throw new IllegalArgumentException("unsupported private key: found " + kind
          + "; an unencrypted PKCS#8 key (BEGIN PRIVATE KEY) is required");
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(1));
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException wrongAlgorithm) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("cannot read the PKCS#8 private key: unknown key algorithm");
  }

  /** A factory that hands out exactly these trust managers. */
  static TrustManagerFactory trustFactory(List<TrustManager> managers) {
    TrustManager[] array = managers.toArray(new TrustManager[0]);
    return new SimpleTrustManagerFactory() {
      @Override
      protected void engineInit(KeyStore keyStore) {}

      @Override
      protected void engineInit(ManagerFactoryParameters params) {}

      @Override
      protected TrustManager[] engineGetTrustManagers() {
        return array.clone();
      }
    };
  }

  /** A factory that hands out exactly these key managers. */
  static KeyManagerFactory keyFactory(List<KeyManager> managers) {
    KeyManager[] array = managers.toArray(new KeyManager[0]);
    return new SimpleKeyManagerFactory() {
      @Override
      protected void engineInit(KeyStore keyStore, char[] password) {}

      @Override
      protected void engineInit(ManagerFactoryParameters params) {}

      @Override
      protected KeyManager[] engineGetKeyManagers() {
        return array.clone();
      }
    };
  }

  /** Fails on an encrypted key: the password form is not supported. */
  static void checkNoPassword(String password) {
    if (password != null) {
      throw new IllegalArgumentException("encrypted private keys (a key password) are not supported");
    }
  }
}
