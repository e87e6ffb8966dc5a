package io.listenrain.grpc;

import io.grpc.TlsChannelCredentials;
import io.grpc.internal.GrpcUtil;
import io.listenrain.channel.ClientTls;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * How a channel secures its connections: the {@link ClientTls} for a given channel authority, so that hostname
 * verification checks the channel's authority (its {@code overrideAuthority} or the target's host), as grpc-netty
 * does. Either one {@code ClientTls} given by the user (kept as is if it names its own authority, else copied with the
 * channel's, sharing its SSL context), or a recipe that builds one per authority. Results are cached per authority.
 * Thread-safe.
 */
final class ClientSecurity {
  private final ClientTls fixed;
  private final Supplier<ClientTls.Builder> recipe;
  private final Map<String, ClientTls> byAuthority = new ConcurrentHashMap<>();

  private ClientSecurity(ClientTls fixed, Supplier<ClientTls.Builder> recipe) {
    this.fixed = fixed;
    this.recipe = recipe;
  }

  /** {@code tls}; if it names no authority of its own, the channel's authority is verified with it. */
  static ClientSecurity fixed(ClientTls tls) {
    return new ClientSecurity(Objects.requireNonNull(tls, "tls"), null);
  }

  /** A fresh builder from {@code recipe}, its authority set to each channel's authority host. */
  static ClientSecurity perAuthority(Supplier<ClientTls.Builder> recipe) {
    ClientSecurity s = new ClientSecurity(null, recipe);
    recipe.get().build(); // fail now, in the builder, if the material is unusable
    return s;
  }

  /** The JDK's default trust store, no client certificate. */
  static ClientSecurity jdkDefaults() {
    return perAuthority(ClientTls::builder);
  }

  /**
   * The TLS settings for {@code creds} (a {@link TlsChannelCredentials}).
   *
   * @throws IllegalArgumentException if the credentials use a feature this transport does not understand, or their
   *     material cannot be read
   */
  static ClientSecurity from(TlsChannelCredentials creds) {
    Set<TlsChannelCredentials.Feature> unknown = creds.incomprehensible(
        EnumSet.of(TlsChannelCredentials.Feature.MTLS, TlsChannelCredentials.Feature.CUSTOM_MANAGERS));
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("TLS features not supported by ListenRain: " + unknown);
    }
    var trustFactory = creds.getTrustManagers() != null ? TlsMaterial.trustFactory(creds.getTrustManagers()) : null;
    var roots = creds.getRootCertificates() != null ? TlsMaterial.certificates(creds.getRootCertificates()) : null;
    var keyFactory = creds.getKeyManagers() != null ? TlsMaterial.keyFactory(creds.getKeyManagers()) : null;
    var chain = creds.getCertificateChain() != null ? TlsMaterial.certificates(creds.getCertificateChain()) : null;
    if (chain != null) {
      TlsMaterial.checkNoPassword(creds.getPrivateKeyPassword());
    }
    var key = chain != null ? TlsMaterial.privateKey(creds.getPrivateKey()) : null;
    Supplier<ClientTls.Builder> recipe = () -> {
      ClientTls.Builder b = ClientTls.builder();
      if (trustFactory != null) {
        b.trustManager(trustFactory);
      } else if (roots != null) {
        b.trustCertificates(roots);
      }
      if (keyFactory != null) {
        b.clientCertificate(keyFactory);
      } else if (key != null) {
        b.clientCertificate(key, chain.toArray(new X509Certificate[0]));
      }
      return b;
    };
    return perAuthority(recipe);
  }

  /** The TLS for a transport whose channel authority is {@code authority} ({@code host[:port]}). */
  ClientTls forAuthority(String authority) {
    if (fixed != null && fixed.authority().isPresent()) {
      return fixed;
    }
    return byAuthority.computeIfAbsent(hostOf(authority),
        host -> fixed != null ? fixed.withAuthority(host) : recipe.get().authority(host).build());
  }

  /** The host part of an authority, IPv6 literals without their brackets. */
  static String hostOf(String authority) {
    URI uri = GrpcUtil.authorityToUri(authority);
    String host = uri.getHost();
    if (host == null) {
      return authority;
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return host;
  }
}
