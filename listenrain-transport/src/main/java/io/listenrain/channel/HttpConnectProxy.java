package io.listenrain.channel;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * An HTTP proxy that dialed TCP channels tunnel through with {@code CONNECT host:port} (RFC 9110 §9.3.6), with Basic
 * credentials if it asks for them. Immutable. Set on {@link ChannelOptions#withHttpConnectProxy}; the gRPC channel
 * builder sets it from grpc-java's proxy detection.
 */
public final class HttpConnectProxy {
  private final InetSocketAddress address;
  private final String username;
  private final String password;

  private HttpConnectProxy(InetSocketAddress address, String username, String password) {
    this.address = Objects.requireNonNull(address, "address");
    if ((username == null) != (password == null)) {
      throw new IllegalArgumentException("a proxy username needs a password and the other way round");
    }
    this.username = username;
    this.password = password;
  }

  /** A proxy that needs no credentials. */
  public static HttpConnectProxy of(InetSocketAddress address) {
    return new HttpConnectProxy(address, null, null);
  }

  /** A proxy that takes Basic credentials ({@code Proxy-Authorization}); both null for none. */
  public static HttpConnectProxy of(InetSocketAddress address, String username, String password) {
    return new HttpConnectProxy(address, username, password);
  }

  public InetSocketAddress address() {
    return address;
  }

  /** The Basic username, or null. */
  public String username() {
    return username;
  }

  /** The Basic password, or null. */
  public String password() {
    return password;
  }

  @Override
  public String toString() {
    return "HttpConnectProxy[" + address + (username == null ? "" : ", user " + username) + "]";
  }
}
