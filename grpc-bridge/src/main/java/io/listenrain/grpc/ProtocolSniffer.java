package io.listenrain.grpc;

import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelHandler;
import io.listenrain.channel.ForwardingChannel;
import io.listenrain.protocol.ServerProtocol;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Lets several protocols share one listening address: reads an accepted channel's first bytes, offers them to each
 * {@link ServerProtocol} in order, and hands the channel to the first that recognises its preface. The chosen
 * protocol gets a channel that delivers the bytes read while deciding again, as its first read. A protocol whose
 * preface length is 0 matches anything and is only asked after all others said no. A channel no protocol claims is
 * closed. All on the channel's I/O thread.
 */
final class ProtocolSniffer implements ChannelHandler {
  private final Channel channel;
  private final List<ServerProtocol> protocols;
  private ByteBuf acc;
  private boolean decided;
  private ChannelHandler target;
  private boolean closed;
  private Throwable closeCause;
  private ScheduledFuture<?> deadline;

  private ProtocolSniffer(Channel channel, List<ServerProtocol> protocols) {
    this.channel = channel;
    this.protocols = protocols;
  }

  /** Starts sniffing an accepted, unstarted channel, without a deadline. */
  static void serve(Channel channel, List<ServerProtocol> protocols) {
    channel.start(new ProtocolSniffer(channel, protocols));
  }

  /**
   * Starts sniffing an accepted, unstarted channel; a channel that has not sent enough bytes to be recognised within
   * {@code timeoutNanos} is aborted with a {@link HandshakeTimeoutException} (slowloris). The chosen protocol runs
   * its own handshake deadline from then on.
   */
  static void serve(Channel channel, List<ServerProtocol> protocols, long timeoutNanos) {
    ProtocolSniffer s = new ProtocolSniffer(channel, protocols);
    channel.start(s);
    channel.executor().execute(() -> {
      if (!s.decided && !s.closed) {
        s.deadline = channel.executor().schedule(s::timedOut, timeoutNanos, TimeUnit.NANOSECONDS);
      }
    });
  }

  private void timedOut() {
    if (!decided && !closed) {
      channel.abort(new HandshakeTimeoutException("no recognisable preface within the handshake timeout"));
    }
  }

  private void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  @Override
  public void channelRead(ByteBuf data) {
    if (target != null) {
      target.channelRead(data);
      return;
    }
    if (closed) {
      data.release();
      return;
    }
    if (acc == null) {
      acc = data;
    } else {
      ByteBuf merged = channel.alloc().buffer(acc.readableBytes() + data.readableBytes());
      merged.writeBytes(acc).writeBytes(data);
      acc.release();
      data.release();
      acc = merged;
    }
    if (!decided) {
      decide();
    }
  }

  private void decide() {
    ServerProtocol fallback = null;
    for (ServerProtocol p : protocols) {
      int n = p.prefaceLength();
      if (n == 0) {
        if (fallback == null) {
          fallback = p;
        }
        continue;
      }
      if (acc.readableBytes() < n) {
        return; // an earlier protocol still needs more bytes to say yes or no
      }
      if (p.matchesPreface(acc)) {
        choose(p);
        return;
      }
    }
    if (fallback != null) {
      choose(fallback);
    } else {
      decided = true;
      cancelDeadline();
      acc.release();
      acc = null;
      channel.abort(new GrpcProtocolException("no protocol on this address recognises the connection's preface"));
    }
  }

  private void choose(ServerProtocol p) {
    decided = true;
    cancelDeadline();
    p.serve(new Replaying());
  }

  @Override
  public void channelReadComplete() {
    if (target != null) {
      target.channelReadComplete();
    }
  }

  @Override
  public void writabilityChanged(boolean writable) {
    if (target != null) {
      target.writabilityChanged(writable);
    }
  }

  @Override
  public void channelClosed(Throwable cause) {
    if (target != null) {
      target.channelClosed(cause);
      return;
    }
    closed = true;
    closeCause = cause;
    cancelDeadline();
    if (!decided && acc != null) {
      acc.release();
      acc = null;
    }
  }

  /** The channel as the chosen protocol sees it: started once more, it replays what was read so far. */
  private final class Replaying extends ForwardingChannel {
    Replaying() {
      super(channel);
    }

    @Override
    public void start(ChannelHandler handler) {
      channel.executor().execute(() -> {
        ByteBuf first = acc;
        acc = null;
        target = handler;
        if (first != null) {
          handler.channelRead(first);
          handler.channelReadComplete();
        }
        if (closed) {
          handler.channelClosed(closeCause);
        }
      });
    }
  }
}
