package io.listenrain.grpc;

import io.listenrain.channel.InProcessAddress;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/** Maps the addresses a channel reports onto the public address types ListenRain users see. */
final class Addresses {
  private Addresses() {}

  /**
   * Netty's Unix and local addresses become {@link UnixDomainSocketAddress} and {@link InProcessAddress}; a channel
   * without an address (a stream pair) reports {@link ChannelSourceAddress#UNNAMED}.
   */
  static SocketAddress normalize(SocketAddress a) {
    if (a == null) {
      return ChannelSourceAddress.UNNAMED; // a stream pair: grpc's attributes and logs want an address
    }
    if (a instanceof DomainSocketAddress) {
      return UnixDomainSocketAddress.of(((DomainSocketAddress) a).path());
    }
    if (a instanceof LocalAddress) {
      return new InProcessAddress(((LocalAddress) a).id());
    }
    return a;
  }

  /**
   * The address to dial or bind: strips the {@link ListenRainSocketAddress} wrapper the name resolver produces, and
   * takes Netty's {@link DomainSocketAddress} (what grpc-netty's {@code unix:} resolver and its users hold) as the
   * JDK's {@link UnixDomainSocketAddress}.
   */
  static SocketAddress unwrap(SocketAddress a) {
    SocketAddress s = a instanceof ListenRainSocketAddress ? ((ListenRainSocketAddress) a).address() : a;
    return s instanceof DomainSocketAddress ? UnixDomainSocketAddress.of(((DomainSocketAddress) s).path()) : s;
  }

  static boolean isPipe(SocketAddress a) {
    return a instanceof InProcessAddress;
  }
}
