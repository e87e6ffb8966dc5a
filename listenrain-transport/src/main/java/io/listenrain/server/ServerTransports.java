package io.listenrain.server;

import io.listenrain.channel.ChannelAcceptor;
import io.listenrain.channel.Channels;
import io.listenrain.config.ProtocolSpec;
import java.io.IOException;
import java.net.SocketAddress;

/** Builds native {@link Server}s. */
public final class ServerTransports {
  private ServerTransports() {}

  /** A server without a listener: feed it channels with {@link Server#serve} (a port-sharing acceptor does). */
  public static <M> Server create(ProtocolSpec<M> spec, ServerRouter<M> router) {
    return new NativeServer<>(spec, router);
  }

  /**
   * Binds {@code address} and serves every accepted channel with {@code router}. Returns once bound.
   *
   * @throws IOException if the address cannot be bound
   */
  public static <M> Server listen(SocketAddress address, ProtocolSpec<M> spec, ServerRouter<M> router)
      throws IOException {
    NativeServer<M> server = new NativeServer<>(spec, router);
    ChannelAcceptor acceptor = Channels.listen(address, spec.channelOptions(), server::serve);
    server.bound(acceptor);
    return server;
  }
}
