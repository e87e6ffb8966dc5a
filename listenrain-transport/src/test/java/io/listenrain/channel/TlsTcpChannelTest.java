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
   * Not reliably: the aborting side sends a reset and no close_notify, but Netty's SslHandler on the peer swallows a
   * "connection reset" in some states (about half the runs here), reporting an orderly end instead.
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
