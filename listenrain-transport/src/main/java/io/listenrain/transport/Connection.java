package io.listenrain.transport;

import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelHandler;
import io.listenrain.codec.PacketCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.EventExecutor;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One {@link Channel} framed by a {@link PacketCodec}: decodes inbound bytes into packets for a {@link PacketHandler},
 * and writes outbound packets from a bounded {@link PacketQueue}.
 *
 * <h2>Threading</h2>
 * {@link #send} may be called from any thread: it enqueues and, if no drain is pending, schedules one on the I/O
 * thread. A drain writes everything queued and flushes once, so packets sent together share a system call. The
 * handler runs on the I/O thread only. Inbound and outbound bytes flow concurrently.
 *
 * <h2>Closing</h2>
 * {@link #close()} is graceful: no new sends are accepted, the queue is written out, then the channel closes.
 * {@link #abort(Throwable)} drops what is queued and closes at once. Both are idempotent.
 */
public final class Connection {
  private final Channel channel;
  private final PacketCodec codec;
  private final PacketQueue queue;
  private final PacketHandler handler;
  private final EventExecutor executor;
  private final Consumer<ByteBuf> writeToChannel;
  private final Runnable drainTask = this::drain;
  private final AtomicBoolean drainScheduled = new AtomicBoolean();

  // I/O-thread state.
  private ByteBuf cumulation;
  private boolean handlerClosed;

  private volatile boolean closing;
  private volatile long bytesIn;
  private volatile long bytesOut;
  private volatile long packetsIn;
  private volatile long packetsOut;

  private Connection(Channel channel, PacketCodec codec, PacketQueue queue, PacketHandler handler) {
    this.channel = channel;
    this.codec = codec;
    this.queue = queue;
    this.handler = handler;
    this.executor = channel.executor();
    this.writeToChannel = this::writeFramed;
  }

  /**
   * Wraps an unstarted channel and starts reading. The handler sees packets from then on.
   */
  public static Connection open(Channel channel, PacketCodec codec, PacketQueue queue, PacketHandler handler) {
    Connection c = new Connection(channel, codec, queue, handler);
    channel.start(c.new Reader());
    return c;
  }

  /**
   * Queues one packet payload for writing, from any thread. Takes ownership of {@code payload} in every case.
   *
   * @throws QueueFullException if the outbound queue is full (the payload is released)
   * @throws ConnectionClosedException if the connection is closing or closed (the payload is released)
   */
  public void send(ByteBuf payload) {
    if (closing) {
      payload.release();
      throw new ConnectionClosedException("connection closed: " + channel);
    }
    if (!queue.offer(payload)) {
      payload.release();
      throw new QueueFullException(queue.capacity());
    }
    scheduleDrain();
  }

  /**
   * Queues one packet payload if there is room. Returns {@code false}, keeping ownership with the caller, if the
   * queue is full; closed connections release the payload and return {@code false}.
   */
  public boolean trySend(ByteBuf payload) {
    if (closing) {
      payload.release();
      return false;
    }
    if (!queue.offer(payload)) {
      return false;
    }
    scheduleDrain();
    return true;
  }

  private void scheduleDrain() {
    if (drainScheduled.compareAndSet(false, true)) {
      executor.execute(drainTask);
    }
  }

  private void drain() {
    drainScheduled.set(false);
    if (!channel.isOpen()) {
      releaseQueued(); // a send that raced with the close: nothing will write it
      return;
    }
    boolean wrote = false;
    ByteBuf p;
    while (channel.isWritable() && (p = queue.poll()) != null) {
      try {
        codec.encode(p, channel.alloc(), writeToChannel);
      } catch (RuntimeException e) {
        abort(e);
        return;
      }
      packetsOut++;
      wrote = true;
    }
    if (wrote) {
      channel.flush();
    }
    if (closing && queue.size() == 0) {
      channel.close();
    }
  }

  private void writeFramed(ByteBuf buf) {
    bytesOut += buf.readableBytes();
    channel.write(buf);
  }

  /** Graceful close: stop accepting sends, write out the queue, then close the channel. */
  public CompletableFuture<Void> close() {
    if (!closing) {
      closing = true;
      scheduleDrain();
      // A drain already in progress may have seen closing == false; this one sees true.
      executor.execute(drainTask);
    }
    return channel.closeFuture();
  }

  /** Forced close: queued packets are released unsent and the channel is closed at once. */
  public void abort(Throwable cause) {
    closing = true;
    channel.abort(cause);
    executor.execute(this::releaseQueued);
  }

  private void releaseQueued() {
    ByteBuf p;
    while ((p = queue.poll()) != null) {
      p.release();
    }
  }

  /** The channel under this connection. */
  public Channel channel() {
    return channel;
  }

  /** The I/O thread; protocols run their connection state here. */
  public EventExecutor executor() {
    return executor;
  }

  public ByteBufAllocator alloc() {
    return channel.alloc();
  }

  public PacketCodec packetCodec() {
    return codec;
  }

  public boolean isOpen() {
    return !closing && channel.isOpen();
  }

  public SocketAddress remoteAddress() {
    return channel.remoteAddress();
  }

  public SocketAddress localAddress() {
    return channel.localAddress();
  }

  public CompletableFuture<Void> closeFuture() {
    return channel.closeFuture();
  }

  /** Packets waiting in the outbound queue. */
  public int queueDepth() {
    return queue.size();
  }

  public long bytesIn() {
    return bytesIn;
  }

  public long bytesOut() {
    return bytesOut;
  }

  public long packetsIn() {
    return packetsIn;
  }

  public long packetsOut() {
    return packetsOut;
  }

  @Override
  public String toString() {
    return "Connection[" + channel + "]";
  }

  /** Decodes the byte stream into packets on the I/O thread. */
  private final class Reader implements ChannelHandler {
    @Override
    public void channelRead(ByteBuf data) {
      if (handlerClosed) {
        data.release();
        return;
      }
      bytesIn += data.readableBytes();
      cumulation = cumulation == null ? data
          : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(channel.alloc(), cumulation, data);
      try {
        ByteBuf packet;
        while (!handlerClosed && (packet = codec.decode(cumulation)) != null) {
          packetsIn++;
          handler.packetReceived(Connection.this, packet);
        }
      } catch (RuntimeException e) {
        releaseCumulation();
        abort(e);
        return;
      }
      if (cumulation != null) {
        if (!cumulation.isReadable()) {
          releaseCumulation();
        } else if (cumulation.refCnt() == 1) {
          // Only when no decoded packet (a retained slice) still points into the buffer: compacting moves bytes.
          cumulation.discardSomeReadBytes();
        }
      }
    }

    @Override
    public void channelReadComplete() {
      if (!handlerClosed) {
        handler.readComplete(Connection.this);
      }
    }

    @Override
    public void writabilityChanged(boolean writable) {
      if (writable) {
        scheduleDrain();
      }
      if (!handlerClosed) {
        handler.writabilityChanged(Connection.this, writable);
      }
    }

    @Override
    public void channelClosed(Throwable cause) {
      closing = true;
      releaseCumulation();
      releaseQueued();
      if (!handlerClosed) {
        handlerClosed = true;
        handler.connectionClosed(Connection.this, cause);
      }
    }

    private void releaseCumulation() {
      if (cumulation != null) {
        cumulation.release();
        cumulation = null;
      }
    }
  }
}
