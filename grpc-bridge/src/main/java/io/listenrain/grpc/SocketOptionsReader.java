package io.listenrain.grpc;

import io.grpc.InternalChannelz.Security;
import io.grpc.InternalChannelz.SocketOptions;
import io.grpc.InternalChannelz.Tls;
import io.listenrain.transport.Connection;
import java.util.Map;
import javax.net.ssl.SSLSession;

/**
 * Builds channelz socket options for a connection from its channel's {@link io.listenrain.channel.Channel#socketOptions()}:
 * {@code SO_LINGER} and {@code SO_TIMEOUT} go to their dedicated fields, every other option is listed by name, plus
 * the ListenRain channel kind. Channels without a socket (pipes, stream adapters) report only the kind.
 * {@link #security} gives channelz's security field from the TLS session.
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

  /** The channelz security of a connection: its TLS session, or {@code null} for none. */
  static Security security(SSLSession session) {
    return session == null ? null : new Security(new Tls(session));
  }
}
