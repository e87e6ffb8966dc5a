package io.listenrain.protocol;

import io.listenrain.channel.ChannelAcceptor;
import io.listenrain.channel.ChannelOptions;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.sharing.PortSharingAcceptor;
import io.listenrain.sharing.ServerProtocol;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The protocols an application speaks: the original's RegisterProtocol table. Each {@link #register} takes a
 * {@link ProtocolSpec} (a message codec plus optional parts, all with defaults) and returns the protocol's handle;
 * names are unique. Thread-safe. Closing the table closes every protocol's transports and servers.
 */
public final class ProtocolRegisterTable implements AutoCloseable {
  private final List<Protocol<?>> protocols = new ArrayList<>();

  /**
   * Registers a protocol.
   *
   * @throws IllegalArgumentException if a protocol of that name is registered already
   */
  public synchronized <M> Protocol<M> register(ProtocolSpec<M> spec) {
    for (Protocol<?> p : protocols) {
      if (p.name().equals(spec.name())) {
        throw new IllegalArgumentException("protocol " + spec.name() + " is already registered");
      }
    }
    Protocol<M> p = new Protocol<>(protocols.size(), spec);
    protocols.add(p);
    return p;
  }

  /** The protocol registered under {@code id}. */
  public synchronized Protocol<?> get(int id) {
    return protocols.get(id);
  }

  /** The protocol registered as {@code name}. */
  public synchronized Optional<Protocol<?>> find(String name) {
    return protocols.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** Every registered protocol, in registration order. */
  public synchronized List<Protocol<?>> protocols() {
    return List.copyOf(protocols);
  }

  /**
   * Binds one port for several server protocols (native ones from {@link Protocol#serverProtocol}, the gRPC bridge,
   * ...): see {@link PortSharingAcceptor}. Default channel options: plaintext.
   */
  public ChannelAcceptor listenShared(SocketAddress address, List<? extends ServerProtocol> serverProtocols)
      throws IOException {
    return listenShared(address, ChannelOptions.defaults(), serverProtocols);
  }

  /**
   * Binds one port for several server protocols with these channel options, for instance
   * {@link ChannelOptions#withServerTls server TLS}: the TLS handshake comes first, and the protocols' prefaces are
   * read from the decrypted stream.
   */
  public ChannelAcceptor listenShared(SocketAddress address, ChannelOptions options,
      List<? extends ServerProtocol> serverProtocols) throws IOException {
    return PortSharingAcceptor.listen(address, options, serverProtocols);
  }

  @Override
  public void close() {
    for (Protocol<?> p : protocols()) {
      p.close();
    }
  }
}
