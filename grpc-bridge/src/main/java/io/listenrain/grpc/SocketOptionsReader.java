package io.listenrain.grpc;

import io.grpc.InternalChannelz.SocketOptions;
import io.listenrain.transport.Connection;
import java.util.Map;

/**
 * Builds channelz socket options for a connection from its channel's {@link io.listenrain.channel.Channel#socketOptions()}:
 * {@code SO_LINGER} and {@code SO_TIMEOUT} go to their dedicated fields, every other option is listed by name, plus
 * the ListenRain channel kind. Channels without a socket (pipes, stream adapters) report only the kind.
 */
final class SocketOptionsReader {
  private SocketOptionsReader() {}

  static SocketOptions read(Connection c) {
    SocketOptions.Builder b = new SocketOptions.Builder();
    if (c == null) {
      return b.build();
    }
    b.addOption("listenrain.channel.kind", c.channel().kind());
    for (Map.Entry<String, String> e : c.channel().socketOptions().entrySet()) {
      switch (e.getKey()) {
        case "SO_LINGER":
          b.setSocketOptionLingerSeconds(parseOrNull(e.getValue()));
          break;
        case "SO_TIMEOUT":
          b.setSocketOptionTimeoutMillis(parseOrNull(e.getValue()));
          break;
        default:
          b.addOption(e.getKey(), e.getValue());
      }
    }
    return b.build();
  }

  private static Integer parseOrNull(String value) {
    try {
      return Integer.valueOf(value);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
