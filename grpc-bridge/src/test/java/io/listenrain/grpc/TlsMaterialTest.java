package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.listenrain.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlsMaterialTest {
  private static final TestCertificates CERTS = TestCertificates.shared();

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void readsEveryCertificateOfAPemChainInOrder() {
    X509Certificate[] chain = CERTS.server().chain();
    StringBuilder pem = new StringBuilder();
    for (X509Certificate c : chain) {
      pem.append(TestCertificates.pem(c));
    }
    assertThat(TlsMaterial.certificates(ascii(pem.toString()))).containsExactly(chain);
  }

  @Test
  void readsPkcs8EcAndRsaKeys() throws Exception {
    PrivateKey ec = CERTS.server().key();
    assertThat(TlsMaterial.privateKey(ascii(TestCertificates.pem(ec)))).isEqualTo(ec);
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    PrivateKey rsa = g.generateKeyPair().getPrivate();
    assertThat(TlsMaterial.privateKey(ascii(TestCertificates.pem(rsa)))).isEqualTo(rsa);
  }

  @Test
  void refusesKeysItCannotReadNamingWhatItFound() {
    assertThatThrownBy(() -> TlsMaterial.privateKey(ascii(
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("encrypted");
    assertThatThrownBy(() -> TlsMaterial.privateKey(ascii(
        "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PKCS#1");
    assertThatThrownBy(() -> TlsMaterial.privateKey(ascii("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("private key");
  }

  @Test
  void refusesInputWithoutCertificates() {
    assertThatThrownBy(() -> TlsMaterial.certificates(ascii("not a certificate")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TlsMaterial.certificates(new byte[0])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void managerFactoriesHandOutTheGivenManagers() throws Exception {
    javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
        javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((java.security.KeyStore) null);
    assertThat(TlsMaterial.trustFactory(List.of(tmf.getTrustManagers())).getTrustManagers())
        .containsExactly(tmf.getTrustManagers());
  }
}
