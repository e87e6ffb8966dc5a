package io.listenrain.channel;

import io.netty.channel.local.LocalAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Flow control for one in-process pipe. Netty's {@code LocalChannel} moves written bytes straight into the peer's
 * unbounded inbound queue, so on its own a writer never becomes unwritable, however slow the reader. A pipe's two
 * {@link NettyChannel}s share one {@code PipeFlow}: each direction counts bytes written but not yet handed to the
 * reading handler. The writer turns unwritable above its high watermark; the reader, crossing back below the low
 * watermark, asks the writer (on the writer's executor) to recompute its writability.
 *
 * <p>The two sides meet through a registry keyed by the dialing side's local address, which both can see; the entry
 * goes away when either side closes.
 */
final class PipeFlow {
  private static final ConcurrentHashMap<LocalAddress, PipeFlow> FLOWS = new ConcurrentHashMap<>();

  /** Bytes in flight from the dialing side to the accepting side, and back. */
  private final LocalAddress key;
  private final AtomicLong toAcceptor = new AtomicLong();
  private final AtomicLong toDialer = new AtomicLong();
  private volatile NettyChannel dialer;
  private volatile NettyChannel acceptor;

  private PipeFlow(LocalAddress key) {
    this.key = key;
  }

  /** The flow of {@code ch}'s pipe, registering {@code self} as its dialing or accepting side. */
  static PipeFlow attach(io.netty.channel.Channel ch, NettyChannel self) {
    boolean accepted = ch.parent() != null;
    LocalAddress key = (LocalAddress) (accepted ? ch.remoteAddress() : ch.localAddress());
    if (key == null) {
      return null; // not connected yet
    }
    PipeFlow flow = FLOWS.computeIfAbsent(key, PipeFlow::new);
    if (accepted) {
      flow.acceptor = self;
    } else {
      flow.dialer = self;
    }
    return flow;
  }

  /** Forgets this flow: one side closed. */
  void detach() {
    FLOWS.remove(key, this);
  }

  /** {@code self} wrote {@code bytes}; returns the bytes now in flight in that direction. */
  long wrote(NettyChannel self, int bytes) {
    return outbound(self).addAndGet(bytes);
  }

  /** Bytes {@code self} has written that its peer has not read yet. */
  long inFlight(NettyChannel self) {
    return outbound(self).get();
  }

  /**
   * {@code self} read {@code bytes}. If the count crossed below the writer's low watermark, the writer recomputes its
   * writability on its own executor.
   */
  void read(NettyChannel self, int bytes) {
    boolean selfIsAcceptor = self == acceptor;
    AtomicLong in = selfIsAcceptor ? toAcceptor : toDialer;
    long now = in.addAndGet(-bytes);
    NettyChannel writer = selfIsAcceptor ? dialer : acceptor;
    if (writer == null) {
      return; // nothing was written through this flow's writer yet
    }
    int low = writer.lowWatermark();
    if (now < low && now + bytes >= low) {
      writer.executor().execute(writer::updateWritability);
    }
  }

  private AtomicLong outbound(NettyChannel self) {
    return self == acceptor ? toDialer : toAcceptor;
  }
}
