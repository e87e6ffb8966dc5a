package io.listenrain.grpc;

import io.grpc.TlsServerCredentials;
import io.listenrain.channel.ServerTls;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Maps gRPC's {@link TlsServerCredentials} onto a {@link ServerTls}. */
final class ServerSecurity {
  private ServerSecurity() {}

  /**
   * The server TLS settings for {@code creds}.
   *
   * @throws IllegalArgumentException if the credentials use a feature this transport does not understand, or their
   *     material cannot be read
   */
  static ServerTls from(TlsServerCredentials creds) {
    Set<TlsServerCredentials.Feature> unknown = creds.incomprehensible(
        EnumSet.of(TlsServerCredentials.Feature.MTLS, TlsServerCredentials.Feature.CUSTOM_MANAGERS));
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("TLS features not supported by ListenRain: " + unknown);
    }
    ServerTls.Builder b;
    if (creds.getKeyManagers() != null) {
      b = ServerTls.builder(TlsMaterial.keyFactory(creds.getKeyManagers()));
    } else {
      TlsMaterial.checkNoPassword(creds.getPrivateKeyPassword());
      List<X509Certificate> chain = TlsMaterial.certificates(creds.getCertificateChain());
      PrivateKey key = TlsMaterial.privateKey(creds.getPrivateKey());
      b = ServerTls.builder(key, chain.toArray(new X509Certificate[0]));
    }
    if (creds.getTrustManagers() != null) {
      b.trustManager(TlsMaterial.trustFactory(creds.getTrustManagers()));
    } else if (creds.getRootCertificates() != null) {
      b.trustCertificates(TlsMaterial.certificates(creds.getRootCertificates()));
    }
    switch (creds.getClientAuth()) {
      case REQUIRE:
        b.clientAuth(ServerTls.ClientAuth.REQUIRE);
        break;
      case OPTIONAL:
        b.clientAuth(ServerTls.ClientAuth.OPTIONAL);
        break;
      default:
        b.clientAuth(ServerTls.ClientAuth.NONE);
        break;
    }
    return b.build();
  }
}
