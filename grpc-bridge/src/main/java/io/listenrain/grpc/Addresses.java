package io.listenrain.grpc;

import io.listenrain.channel.InProcessAddress;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/** Maps the addresses a channel reports onto the public address types ListenRain users see. */
final class Addresses {
  private Addresses() {}

  /** Netty's Unix and local addresses become {@link UnixDomainSocketAddress} and {@link InProcessAddress}. */
  static SocketAddress normalize(SocketAddress a) {
    if (a instanceof DomainSocketAddress) {
      return UnixDomainSocketAddress.of(((DomainSocketAddress) a).path());
    }
    if (a instanceof LocalAddress) {
      return new InProcessAddress(((LocalAddress) a).id());
    }
    return a;
  }

  /** Strips the {@link ListenRainSocketAddress} wrapper the name resolver produces. */
  static SocketAddress unwrap(SocketAddress a) {
    return a instanceof ListenRainSocketAddress ? ((ListenRainSocketAddress) a).address() : a;
  }

  static boolean isPipe(SocketAddress a) {
    return a instanceof InProcessAddress;
  }
}
