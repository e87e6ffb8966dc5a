package io.listenrain.sharing;

import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelHandler;
import io.listenrain.codec.CorruptedFrameException;
import io.listenrain.errors.ReadTimeoutException;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The first handler of a port-shared channel: buffers the first bytes until one protocol can be chosen, hands the
 * channel over (as a {@link ReplayingChannel}), then forwards everything to the chosen protocol's handler.
 *
 * <p>All methods run on the channel's I/O thread. States: sniffing (buffering, deciding) → handed over (buffering
 * until the protocol starts the replaying channel) → attached (forwarding). A channel still sniffing when the preface
 * timeout passes is aborted with a {@link ReadTimeoutException}.
 */
final class PreambleSniffer implements ChannelHandler {
  private static final System.Logger LOG = System.getLogger(PreambleSniffer.class.getName());

  private final Channel channel;
  private final List<ServerProtocol> protocols;
  private ByteBuf buffered;
  private boolean handedOver;
  private ChannelHandler target;
  private boolean closed;
  private Throwable closeCause;
  private final Duration prefaceTimeout;
  private ScheduledFuture<?> deadline;

  PreambleSniffer(Channel channel, List<ServerProtocol> protocols, Duration prefaceTimeout) {
    this.channel = channel;
    this.protocols = protocols;
    this.prefaceTimeout = prefaceTimeout;
  }

  /** Starts the channel with this sniffer as its handler, and the preface deadline. Called once. */
  void start() {
    channel.start(this);
    if (!prefaceTimeout.isZero()) {
      channel.executor().execute(() -> {
        if (!handedOver && !closed) {
          deadline = channel.executor().schedule(this::deadlinePassed, prefaceTimeout.toNanos(), TimeUnit.NANOSECONDS);
        }
      });
    }
  }

  private void deadlinePassed() {
    if (!handedOver && !closed) {
      release();
      channel.abort(new ReadTimeoutException("no protocol preface within " + prefaceTimeout + " ("
          + channel.remoteAddress() + ")"));
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
    buffered = buffered == null ? data
        : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(channel.alloc(), buffered, data);
    if (handedOver) {
      return;
    }
    ServerProtocol chosen;
    try {
      chosen = choose(buffered);
    } catch (RuntimeException e) {
      release();
      channel.abort(e);
      return;
    }
    if (chosen == NO_MATCH) {
      release();
      channel.abort(new CorruptedFrameException("no protocol on this port matches the connection's first bytes"));
      return;
    }
    if (chosen != null) {
      handedOver = true;
      cancelDeadline();
      LOG.log(Level.DEBUG, () -> channel + " speaks " + chosen.name());
      chosen.serve(new ReplayingChannel(channel, this));
    }
  }

  /** The protocol to use, null to wait for more bytes, or {@link #NO_MATCH}. Earlier protocols take precedence. */
  private ServerProtocol choose(ByteBuf first) {
    int readable = first.readableBytes();
    for (ServerProtocol p : protocols) {
      int n = p.prefaceLength();
      if (n == 0) {
        return p; // every earlier protocol is ruled out
      }
      if (readable >= n) {
        if (p.matchesPreface(first)) {
          return p;
        }
      } else if (p.couldMatchPreface(first)) {
        return null; // undecided: wait, so that an earlier protocol keeps its precedence
      }
    }
    return NO_MATCH;
  }

  /** Called on the I/O thread when the chosen protocol starts the replaying channel. */
  void attach(ChannelHandler handler) {
    if (target != null) {
      throw new IllegalStateException("channel already started");
    }
    target = handler;
    ByteBuf b = buffered;
    buffered = null;
    if (b != null) {
      handler.channelRead(b);
      handler.channelReadComplete();
    }
    if (closed) {
      handler.channelClosed(closeCause);
    }
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
    if (!handedOver) {
      release();
    }
  }

  private void release() {
    if (buffered != null) {
      buffered.release();
      buffered = null;
    }
  }

  private static final ServerProtocol NO_MATCH = new ServerProtocol() {
    @Override
    public String name() {
      return "none";
    }

    @Override
    public int prefaceLength() {
      return 0;
    }

    @Override
    public boolean matchesPreface(ByteBuf firstBytes) {
      return false;
    }

    @Override
    public void serve(Channel channel) {
      throw new UnsupportedOperationException();
    }
  };
}
