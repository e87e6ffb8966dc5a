package io.listenrain.sharing;

import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelHandler;
import io.listenrain.channel.ForwardingChannel;

/**
 * An accepted channel after sniffing: the same channel, except that {@link #start} first delivers the bytes read
 * while sniffing, then everything that follows.
 */
final class ReplayingChannel extends ForwardingChannel {
  private final PreambleSniffer sniffer;

  ReplayingChannel(Channel delegate, PreambleSniffer sniffer) {
    super(delegate);
    this.sniffer = sniffer;
  }

  @Override
  public void start(ChannelHandler handler) {
    if (handler == null) {
      throw new NullPointerException("handler");
    }
    delegate().executor().execute(() -> sniffer.attach(handler));
  }
}
