package io.listenrain.grpc;

import io.grpc.InternalChannelz.SocketOptions;
import io.listenrain.transport.Connection;

/**
 * Builds channelz socket options for a connection. ListenRain's {@code Channel} abstraction does not expose socket
 * options, so this reports only what the transport knows: the channel kind.
 */
final class SocketOptionsReader {
  private SocketOptionsReader() {}

  static SocketOptions read(Connection c) {
    SocketOptions.Builder b = new SocketOptions.Builder();
    if (c != null) {
      b.addOption("listenrain.channel.kind", c.channel().kind());
    }
    return b.build();
  }
}
