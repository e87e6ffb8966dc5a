package io.listenrain.grpc;

import io.grpc.InternalChannelz.Security;
import io.grpc.InternalChannelz.SocketOptions;
import io.grpc.InternalChannelz.Tls;
import io.listenrain.transport.Connection;
import javax.net.ssl.SSLSession;

/**
 * Builds channelz socket options for a connection. ListenRain's {@code Channel} abstraction does not expose socket
 * options, so this reports only what the transport knows: the channel kind, and the TLS session for channelz's
 * security field.
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

  /** The channelz security of a connection: its TLS session, or {@code null} for none. */
  static Security security(SSLSession session) {
    return session == null ? null : new Security(new Tls(session));
  }
}
