package io.listenrain.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for TLS tests, generated when first asked for (EC P-256, valid from an hour ago for a day), so that no
 * private key is ever committed. {@link #shared()} holds one set per JVM:
 *
 * <ul>
 *   <li>{@link #ca()}: the trusted test CA;</li>
 *   <li>{@link #server()}: issued by it, SANs {@code localhost}, {@code 127.0.0.1} and {@code ::1};</li>
 *   <li>{@link #client()}: issued by it, for client authentication (CN {@code listenrain-test-client});</li>
 *   <li>{@link #otherHostServer()}: issued by it, for {@code other.example} only (a name mismatch when dialing
 *       loopback);</li>
 *   <li>{@link #untrustedCa()}, {@link #untrustedServer()} and {@link #untrustedClient()}: a second CA nobody trusts
 *       and certificates it issued, with the same names.</li>
 * </ul>
 *
 * {@link #pem(X509Certificate)} and {@link #pem(PrivateKey)} export PEM for APIs that take streams or files (gRPC's
 * {@code TlsChannelCredentials}, Netty's {@code SslContextBuilder}). Thread-safe.
 */
public final class TestCertificates {
  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

  /** A key and the certificate chain that goes with it, leaf first (the CA last). */
  public static final class Identity {
    private final PrivateKey key;
    private final List<X509Certificate> chain;

    Identity(PrivateKey key, List<X509Certificate> chain) {
      this.key = key;
      this.chain = List.copyOf(chain);
    }

    public PrivateKey key() {
      return key;
    }

    /** The leaf certificate. */
    public X509Certificate certificate() {
      return chain.get(0);
    }

    /** The chain, leaf first. */
    public X509Certificate[] chain() {
      return chain.toArray(new X509Certificate[0]);
    }
  }

  private static final class Holder {
    static final TestCertificates SHARED = new TestCertificates();
  }

  private final Identity ca;
  private final Identity untrustedCa;
  private final Identity server;
  private final Identity client;
  private final Identity otherHostServer;
  private final Identity untrustedServer;
  private final Identity untrustedClient;

  private TestCertificates() {
    ca = newCa("CN=listenrain-test-ca");
    untrustedCa = newCa("CN=listenrain-untrusted-ca");
    server = issueServer(ca, "localhost", "127.0.0.1", "::1");
    client = issueClient(ca, "listenrain-test-client");
    otherHostServer = issueServer(ca, "other.example");
    untrustedServer = issueServer(untrustedCa, "localhost", "127.0.0.1", "::1");
    untrustedClient = issueClient(untrustedCa, "listenrain-untrusted-client");
  }

  /** The set shared by every test in this JVM, made on first use. */
  public static TestCertificates shared() {
    return Holder.SHARED;
  }

  /** The trusted CA's certificate. */
  public X509Certificate ca() {
    return ca.certificate();
  }

  /** The trusted CA's key and certificate, to issue more certificates with {@link #issueServer}. */
  public Identity caIdentity() {
    return ca;
  }

  public Identity server() {
    return server;
  }

  public Identity client() {
    return client;
  }

  public Identity otherHostServer() {
    return otherHostServer;
  }

  public X509Certificate untrustedCa() {
    return untrustedCa.certificate();
  }

  public Identity untrustedServer() {
    return untrustedServer;
  }

  public Identity untrustedClient() {
    return untrustedClient;
  }

  /** Issues a server certificate from {@code issuer} whose SANs are {@code names} (DNS names or IP literals). */
  public static Identity issueServer(Identity issuer, String... names) {
    List<GeneralName> sans = new ArrayList<>();
    for (String n : names) {
      sans.add(new GeneralName(isIpLiteral(n) ? GeneralName.iPAddress : GeneralName.dNSName, n));
    }
    return issue(issuer, "CN=" + names[0], KeyPurposeId.id_kp_serverAuth, sans);
  }

  /** Issues a client-authentication certificate from {@code issuer} with common name {@code cn}. */
  public static Identity issueClient(Identity issuer, String cn) {
    return issue(issuer, "CN=" + cn, KeyPurposeId.id_kp_clientAuth, List.of());
  }

  /** The certificate as a PEM block. */
  public static String pem(X509Certificate certificate) {
    try {
      return pem("CERTIFICATE", certificate.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The key as an unencrypted PKCS#8 PEM block. */
  public static String pem(PrivateKey key) {
    return pem("PRIVATE KEY", key.getEncoded());
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  private static boolean isIpLiteral(String name) {
    return name.contains(":") || name.chars().allMatch(c -> c == '.' || Character.isDigit(c));
  }

  private static Identity newCa(String dn) {
    KeyPair pair = newKeyPair();
    try {
      X500Name name = new X500Name(dn);
      X509v3CertificateBuilder b = builder(name, name, pair);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      return new Identity(pair.getPrivate(), List.of(sign(b, pair.getPrivate())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Identity issue(Identity issuer, String dn, KeyPurposeId purpose, List<GeneralName> sans) {
    KeyPair pair = newKeyPair();
    try {
      X500Name issuerName = new X500Name(issuer.certificate().getSubjectX500Principal().getName());
      X509v3CertificateBuilder b = builder(issuerName, new X500Name(dn), pair);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      b.addExtension(Extension.authorityKeyIdentifier, false,
          ext.createAuthorityKeyIdentifier(issuer.certificate()));
      if (!sans.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(sans.toArray(new GeneralName[0])));
      }
      List<X509Certificate> chain = new ArrayList<>();
      chain.add(sign(b, issuer.key()));
      chain.add(issuer.certificate());
      return new Identity(pair.getPrivate(), chain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair pair)
      throws IOException {
    Instant now = Instant.now();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
        BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(1))), subject, pair.getPublic());
    try {
      b.addExtension(Extension.subjectKeyIdentifier, false,
          new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return b;
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey) {
    try {
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
