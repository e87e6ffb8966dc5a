package io.listenrain.grpc;

import java.net.SocketAddress;
import java.util.Objects;

/**
 * An address produced by the {@code listenrain:} name resolver: a TCP, Unix socket or in-process address, wrapped so
 * that only the ListenRain transport claims it (Netty's and OkHttp's providers do not list this type).
 */
public final class ListenRainSocketAddress extends SocketAddress {
  private static final long serialVersionUID = 1L;

  private final SocketAddress address;

  /** Wraps {@code address}: an {@code InetSocketAddress}, {@code UnixDomainSocketAddress} or {@code InProcessAddress}. */
  public ListenRainSocketAddress(SocketAddress address) {
    this.address = Objects.requireNonNull(address, "address");
  }

  /** The wrapped address. */
  public SocketAddress address() {
    return address;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ListenRainSocketAddress && ((ListenRainSocketAddress) o).address.equals(address);
  }

  @Override
  public int hashCode() {
    return address.hashCode();
  }

  @Override
  public String toString() {
    return "listenrain:" + address;
  }
}
