package io.listenrain.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The channel conformance suite over TCP with mutual TLS: TLS changes nothing a channel's user can see. */
class TlsTcpChannelTest extends AbstractChannelTest {
  @Override
  protected ChannelPair connect(ChannelOptions options) throws Exception {
    return ChannelKinds.tcp(TlsFixtures.mutual(options));
  }

  @Override
  protected String kind() {
    return "tcp";
  }

  /**
   * Not reliably. The aborting side sends a reset and no close_notify ({@link TlsChannelsTest} checks the latter), yet
   * in about half the runs here the peer's channel goes inactive without the reset surfacing as an exception below
   * the TLS handler, so it reports an orderly end. Not understood yet; plain TCP always reports the reset.
   */
  @Override
  protected boolean peerSeesAbortAsError() {
    return false;
  }

  @Test
  void bothEndsExposeTheirSessionWithThePeerCertificate() throws Exception {
    try (ChannelPair p = connect(ChannelOptions.defaults())) {
      assertThat(p.client.sslSession()).isPresent();
      assertThat(p.client.sslSession().get().getPeerCertificates()[0])
          .isEqualTo(TlsFixtures.certs().server().certificate());
      assertThat(p.server.sslSession().get().getPeerCertificates()[0])
          .isEqualTo(TlsFixtures.certs().client().certificate());
      p.client.close().get(10, TimeUnit.SECONDS);
      assertThat(p.client.sslSession()).as("still there after close").isPresent();
    }
  }

  @Test
  void plaintextChannelsHaveNoSession() throws Exception {
    try (ChannelPair p = ChannelKinds.tcp(ChannelOptions.defaults())) {
      assertThat(p.client.sslSession()).isEmpty();
      assertThat(p.server.sslSession()).isEmpty();
    }
  }
}
