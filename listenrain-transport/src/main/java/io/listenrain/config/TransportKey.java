package io.listenrain.config;

import java.net.SocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * Identifies a client transport: a protocol name and the endpoints to dial, in preference order (the first is the
 * active endpoint, the others are failover standbys). Immutable; equal keys share a transport in a pool.
 */
public final class TransportKey {
  private final String protocol;
  private final List<SocketAddress> endpoints;
  private final int hash;

  private TransportKey(String protocol, List<SocketAddress> endpoints) {
    this.protocol = Objects.requireNonNull(protocol, "protocol");
    this.endpoints = List.copyOf(endpoints);
    if (this.endpoints.isEmpty()) {
      throw new IllegalArgumentException("a transport key needs at least one endpoint");
    }
    this.hash = protocol.hashCode() * 31 + this.endpoints.hashCode();
  }

  public static TransportKey of(String protocol, SocketAddress... endpoints) {
    return new TransportKey(protocol, List.of(endpoints));
  }

  public static TransportKey of(String protocol, List<? extends SocketAddress> endpoints) {
    return new TransportKey(protocol, List.copyOf(endpoints));
  }

  public String protocol() {
    return protocol;
  }

  /** The endpoints in preference order; never empty. */
  public List<SocketAddress> endpoints() {
    return endpoints;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TransportKey)) {
      return false;
    }
    TransportKey k = (TransportKey) o;
    return protocol.equals(k.protocol) && endpoints.equals(k.endpoints);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return protocol + endpoints;
  }
}
