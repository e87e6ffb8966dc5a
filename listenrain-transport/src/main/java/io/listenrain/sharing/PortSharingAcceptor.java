package io.listenrain.sharing;

import io.listenrain.channel.ChannelAcceptor;
import io.listenrain.channel.ChannelOptions;
import io.listenrain.channel.Channels;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * One listener, several protocols: each accepted channel's first bytes pick the {@link ServerProtocol} that serves
 * it (the bytes are replayed to that protocol as its first read). Protocols are asked in the order given; one without
 * a preface ({@link ServerProtocol#prefaceLength()} 0) matches anything and must come last. A connection that no
 * protocol matches is aborted with a {@link io.listenrain.codec.CorruptedFrameException}.
 *
 * <p>A connection that has not sent enough bytes to choose a protocol within the preface timeout (default
 * {@link #DEFAULT_PREFACE_TIMEOUT}, 20 s) is aborted with a {@link io.listenrain.errors.ReadTimeoutException}: a
 * peer that connects and stays silent, or trickles a partial preface, holds the connection for at most that long.
 * After the choice, the chosen protocol's own deadlines apply (for native protocols,
 * {@link io.listenrain.config.ProtocolSpec.Builder#serverHandshakeTimeout}).
 *
 * <p>Plumbing, not a stable API: applications reach it through
 * {@link io.listenrain.protocol.ProtocolRegisterTable} or grpc-bridge's server builder; it is public for those.
 */
public final class PortSharingAcceptor {
  /** How long a connection may take to send enough of its preface to pick a protocol, by default: 20 s. */
  public static final Duration DEFAULT_PREFACE_TIMEOUT = Duration.ofSeconds(20);

  private PortSharingAcceptor() {}

  /** Binds {@code address} with default options. */
  public static ChannelAcceptor listen(SocketAddress address, List<? extends ServerProtocol> protocols)
      throws IOException {
    return listen(address, ChannelOptions.defaults(), protocols);
  }

  /**
   * Binds {@code address} and dispatches accepted channels to {@code protocols}.
   *
   * @throws IllegalArgumentException if the list is empty or a preface-less protocol is not last
   * @throws IOException if the address cannot be bound
   */
  public static ChannelAcceptor listen(SocketAddress address, ChannelOptions options,
      List<? extends ServerProtocol> protocols) throws IOException {
    return listen(address, options, protocols, DEFAULT_PREFACE_TIMEOUT);
  }

  /**
   * Binds {@code address} and dispatches accepted channels to {@code protocols}, aborting a channel that has not
   * picked a protocol within {@code prefaceTimeout} ({@link Duration#ZERO}: no deadline).
   *
   * @throws IllegalArgumentException if the list is empty, a preface-less protocol is not last, or the timeout is
   *     negative
   * @throws IOException if the address cannot be bound
   */
  public static ChannelAcceptor listen(SocketAddress address, ChannelOptions options,
      List<? extends ServerProtocol> protocols, Duration prefaceTimeout) throws IOException {
    if (prefaceTimeout.isNegative()) {
      throw new IllegalArgumentException("preface timeout must not be negative: " + prefaceTimeout);
    }
    List<ServerProtocol> list = List.copyOf(protocols);
    if (list.isEmpty()) {
      throw new IllegalArgumentException("no protocols");
    }
    for (int i = 0; i < list.size() - 1; i++) {
      if (list.get(i).prefaceLength() == 0) {
        throw new IllegalArgumentException("protocol " + list.get(i).name()
            + " has no preface, so it matches everything: it must be the last");
      }
    }
    return Channels.listen(address, options, ch -> new PreambleSniffer(ch, list, prefaceTimeout).start());
  }
}
