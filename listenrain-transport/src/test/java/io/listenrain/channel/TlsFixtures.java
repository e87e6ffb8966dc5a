package io.listenrain.channel;

import io.listenrain.testing.TestCertificates;

/** TLS options built from {@link TestCertificates#shared()}, for the channel tests. */
final class TlsFixtures {
  private TlsFixtures() {}

  static TestCertificates certs() {
    return TestCertificates.shared();
  }

  /** A client trusting the test CA, verifying host names, without a client certificate. */
  static ClientTls.Builder client() {
    return ClientTls.builder().trustCertificates(certs().ca());
  }

  /** A server presenting the loopback certificate, asking nothing of clients. */
  static ServerTls.Builder server() {
    return ServerTls.builder(certs().server().key(), certs().server().chain());
  }

  /** Options with both sides set: plain mutual TLS for a pair of channels (the Unix socket gets an authority). */
  static ChannelOptions mutual(ChannelOptions base) {
    return base
        .withClientTls(client().authority("localhost")
            .clientCertificate(certs().client().key(), certs().client().chain()).build())
        .withServerTls(server().clientAuth(ServerTls.ClientAuth.REQUIRE).trustCertificates(certs().ca()).build());
  }
}
