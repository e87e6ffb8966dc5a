package io.listenrain.protocol;

import io.listenrain.channel.ChannelAcceptor;
import io.listenrain.channel.ChannelOptions;
import io.listenrain.channel.Channels;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.List;

/**
 * One listener, several protocols: each accepted channel's first bytes pick the {@link ServerProtocol} that serves
 * it (the bytes are replayed to that protocol as its first read). Protocols are asked in the order given; one without
 * a preface ({@link ServerProtocol#prefaceLength()} 0) matches anything and must come last. A connection that no
 * protocol matches is aborted with a {@link io.listenrain.codec.CorruptedFrameException}.
 */
public final class PortSharingAcceptor {
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
    return Channels.listen(address, options, ch -> ch.start(new PreambleSniffer(ch, list)));
  }
}
