package io.listenrain.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientTlsTest {
  @Test
  void defaultsVerifyTheHostWithATenSecondHandshakeAndNoClientCertificate() {
    ClientTls tls = ClientTls.builder().build();
    assertThat(tls.hostnameVerification()).isTrue();
    assertThat(tls.authority()).isEmpty();
    assertThat(tls.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(tls.hasClientCertificate()).isFalse();
    assertThat(tls.protocols()).isEmpty();
  }

  @Test
  void settingsAreKept() {
    ClientTls tls = TlsFixtures.client().authority("svc.internal").handshakeTimeout(Duration.ofMillis(700))
        .clientCertificate(TlsFixtures.certs().client().key(), TlsFixtures.certs().client().chain())
        .protocols("TLSv1.3").build();
    assertThat(tls.authority()).contains("svc.internal");
    assertThat(tls.handshakeTimeout()).isEqualTo(Duration.ofMillis(700));
    assertThat(tls.hasClientCertificate()).isTrue();
    assertThat(tls.protocols()).containsExactly("TLSv1.3");
  }

  @Test
  void withAuthorityChangesOnlyTheNameAndSharesTheSslContext() {
    ClientTls tls = TlsFixtures.client().handshakeTimeout(Duration.ofMillis(700))
        .clientCertificate(TlsFixtures.certs().client().key(), TlsFixtures.certs().client().chain()).build();
    ClientTls named = tls.withAuthority("svc.internal");
    assertThat(named.authority()).contains("svc.internal");
    assertThat(tls.authority()).isEmpty();
    assertThat(named.context()).isSameAs(tls.context());
    assertThat(named.handshakeTimeout()).isEqualTo(tls.handshakeTimeout());
    assertThat(named.hasClientCertificate()).isTrue();
    assertThat(named.withAuthority(null).authority()).isEmpty();
    assertThatThrownBy(() -> tls.withAuthority(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void badSettingsAreRejectedWhenGiven() {
    assertThatThrownBy(() -> ClientTls.builder().handshakeTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClientTls.builder().authority(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClientTls.builder().trustCertificates(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClientTls.builder().clientCertificate(TlsFixtures.certs().client().key()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anUnsupportedProtocolVersionIsRejected() {
    assertThatThrownBy(() -> ClientTls.builder().protocols("TLSv0.9"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
