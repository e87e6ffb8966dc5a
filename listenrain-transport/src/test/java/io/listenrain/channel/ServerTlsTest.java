package io.listenrain.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerTlsTest {
  @Test
  void defaultsAskNothingOfClientsWithATenSecondHandshake() {
    ServerTls tls = TlsFixtures.server().build();
    assertThat(tls.clientAuth()).isEqualTo(ServerTls.ClientAuth.NONE);
    assertThat(tls.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(tls.protocols()).isEmpty();
  }

  @Test
  void badSettingsAreRejectedWhenGiven() {
    assertThatThrownBy(() -> ServerTls.builder(TlsFixtures.certs().server().key()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TlsFixtures.server().handshakeTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TlsFixtures.server().protocols("TLSv0.9"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
