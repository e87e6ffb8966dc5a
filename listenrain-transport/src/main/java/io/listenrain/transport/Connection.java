package io.listenrain.transport;

import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelHandler;
import io.listenrain.codec.FrameTooLargeException;
import io.listenrain.codec.PacketCodec;
import io.listenrain.errors.ConnectionClosedException;
import io.listenrain.errors.QueueFullException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.EventExecutor;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
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
 * <p>A drain stops while the channel is unwritable (above its high watermark) and resumes when it turns writable
 * again, so a slow peer fills the bounded queue and senders get {@link QueueFullException} instead of the heap
 * growing.
 *
 * <h2>Inbound</h2>
 * Bytes are accumulated and cut into packets by the codec, which checks a declared length against its maximum as soon
 * as the header is readable, so a hostile length never makes the connection allocate or wait for the body. A codec
 * error closes the connection at once, and the {@link io.listenrain.codec.CodecException} is the cause handed to
 * {@link PacketHandler#connectionClosed}; bytes after the bad header are never delivered.
 *
 * <h2>Closing</h2>
 * {@link #close()} is graceful: no new sends are accepted, the queue is written out, then the channel closes.
 * {@link #abort(Throwable)} releases what is queued and closes at once. Both are idempotent. A {@code send} that races
 * with {@code close()} (it passed the open check just as the close began) is either written or released, never
 * leaked; a send accepted before {@code close()} was called is always written.
 *
 * <h2>Counters</h2>
 * {@link #bytesIn()}, {@link #bytesOut()} (framed bytes, headers included), {@link #packetsIn()},
 * {@link #packetsOut()}, {@link #flushes()}, {@link #rejectedSends()} and {@link #queueDepth()} may be read from any
 * thread.
 *
 * <p>Not user API: public for the native client and server and for grpc-bridge (see the package documentation).
 */
public final class Connection {
  /** Cumulations larger than this chain reads as components instead of copying them into one buffer. */
  static final int COMPOSE_THRESHOLD = 256 * 1024;
  /** Outbound composites of at most this many components are written as their components. */
  static final int MAX_SPLIT_COMPONENTS = 4;

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
  /** The decoder failed: the rest of the stream is garbage and is dropped until the channel closes. */
  private boolean inboundFailed;
  /** channel.close() was called: later drains release rather than write behind the close. */
  private boolean channelCloseRequested;

  private volatile boolean closing;
  private volatile long bytesIn;
  private volatile long bytesOut;
  private volatile long packetsIn;
  private volatile long packetsOut;
  private volatile long flushes;
  private final LongAdder rejectedSends = new LongAdder();

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
   * @throws FrameTooLargeException if the payload exceeds the codec's maximum (the payload is released; the
   *     connection stays open)
   */
  public void send(ByteBuf payload) {
    if (closing) {
      payload.release();
      rejectedSends.increment();
      throw new ConnectionClosedException("connection closed: " + channel);
    }
    checkSize(payload);
    if (!queue.offer(payload)) {
      payload.release();
      rejectedSends.increment();
      throw new QueueFullException(queue.capacity());
    }
    scheduleDrain();
  }

  private void checkSize(ByteBuf payload) {
    int length = payload.readableBytes();
    if (length > codec.maxPayloadLength()) {
      payload.release();
      rejectedSends.increment();
      throw new FrameTooLargeException(length, codec.maxPayloadLength());
    }
  }

  /**
   * Queues one packet payload if there is room. Returns {@code false}, keeping ownership with the caller, if the
   * queue is full; closed connections release the payload and return {@code false}.
   *
   * @throws FrameTooLargeException if the payload exceeds the codec's maximum (the payload is released)
   */
  public boolean trySend(ByteBuf payload) {
    if (closing) {
      payload.release();
      rejectedSends.increment();
      return false;
    }
    checkSize(payload);
    if (!queue.offer(payload)) {
      rejectedSends.increment();
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
    if (!channel.isOpen() || channelCloseRequested) {
      releaseQueued(); // a send that raced with the close: nothing will write it
      return;
    }
    // Read before polling: every send accepted before close() then sits in the queue for the loop below to find.
    boolean closeAfterDrain = closing;
    boolean wrote = false;
    boolean empty = false;
    while (channel.isWritable()) {
      ByteBuf p = queue.poll();
      if (p == null) {
        empty = true;
        break;
      }
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
      flushes++;
      channel.flush();
    }
    // Decide on what poll() saw, not on size(): a sender may hold a reservation it is about to give back (queue
    // full), and no drain would follow. A racing sender that enqueues after the poll schedules a drain, which
    // releases its packet.
    if (closeAfterDrain && empty) {
      channelCloseRequested = true;
      channel.close();
    }
  }

  private void writeFramed(ByteBuf buf) {
    bytesOut += buf.readableBytes();
    if (buf instanceof CompositeByteBuf && writeComponents((CompositeByteBuf) buf)) {
      return;
    }
    channel.write(buf);
  }

  /**
   * Writes a small composite (a message codec's header in front of a payload slice) as its components. A composite
   * handed to the socket is gathered through {@code nioBuffers()}, which allocates a {@code ByteBuffer[]} and two
   * {@code ByteBuffer}s per component on every write; its components themselves are plain buffers the socket writes
   * from their memory addresses. Takes ownership of {@code composite} when it returns true; returns false (and does
   * nothing) when the composite is not a whole run of whole components.
   */
  private boolean writeComponents(CompositeByteBuf composite) {
    int n = composite.numComponents();
    if (n > MAX_SPLIT_COMPONENTS || composite.readerIndex() != 0 || composite.writerIndex() != composite.capacity()) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      // The buffer that was added, when it spanned its whole capacity (else a slice made once): no allocation.
      int length = (i + 1 < n ? composite.toByteIndex(i + 1) : composite.capacity()) - composite.toByteIndex(i);
      if (composite.internalComponent(i).readableBytes() != length) {
        return false;
      }
    }
    for (int i = 0; i < n; i++) {
      ByteBuf c = composite.internalComponent(i);
      if (c.isReadable()) {
        channel.write(c.retain());
      }
    }
    composite.release();
    return true;
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

  /**
   * Whether part of a packet has been read and the rest has not arrived yet. I/O thread only (the cumulation is
   * I/O-thread state); a server's stall watchdog asks it. Public only for {@code io.listenrain.server}; not API.
   */
  public boolean hasPartialInbound() {
    assert executor.inEventLoop();
    return cumulation != null && cumulation.isReadable();
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

  /**
   * Channel flushes so far: one per drain that wrote something, however many packets it wrote. Packets over flushes
   * is how well sends are batched into system calls.
   */
  public long flushes() {
    return flushes;
  }

  /** Sends refused so far: queue full, connection closing, or payload too large. */
  public long rejectedSends() {
    return rejectedSends.sum();
  }

  @Override
  public String toString() {
    return "Connection[" + channel + "]";
  }

  /** Decodes the byte stream into packets on the I/O thread. */
  private final class Reader implements ChannelHandler {
    @Override
    public void channelRead(ByteBuf data) {
      if (handlerClosed || inboundFailed) {
        data.release();
        return;
      }
      bytesIn += data.readableBytes();
      cumulation = cumulate(cumulation, data);
      try {
        ByteBuf packet;
        while (!handlerClosed && (packet = codec.decode(cumulation)) != null) {
          packetsIn++;
          handler.packetReceived(Connection.this, packet);
        }
      } catch (RuntimeException e) {
        inboundFailed = true;
        releaseCumulation();
        abort(e);
        return;
      }
      if (cumulation != null) {
        if (!cumulation.isReadable()) {
          releaseCumulation();
        } else if (cumulation.refCnt() == 1) {
          // Only when no packet slice still points into it: discarding moves bytes under a live slice.
          cumulation.discardSomeReadBytes();
        } else {
          // Packets handed out still slice this buffer, and a shared cumulation is copied whole on every append:
          // quadratic for a large packet arriving in many reads. Move the unread tail (the start of the next
          // packet) into a buffer of its own instead; later reads then append to it in place.
          ByteBuf tail = channel.alloc().buffer(cumulation.readableBytes());
          tail.writeBytes(cumulation);
          cumulation.release();
          cumulation = tail;
        }
      }
    }

    /**
     * Appends a read to the cumulation. Small cumulations are merged into one contiguous buffer (cheap to parse);
     * once a cumulation would pass {@link #COMPOSE_THRESHOLD} (a large packet arriving in many reads) reads are
     * chained as components instead, so a multi-megabyte packet is never reallocated and copied as it grows.
     */
    private ByteBuf cumulate(ByteBuf cumulation, ByteBuf data) {
      if (cumulation == null) {
        return data;
      }
      if (cumulation instanceof CompositeByteBuf
          || cumulation.readableBytes() + (long) data.readableBytes() > COMPOSE_THRESHOLD) {
        return ByteToMessageDecoder.COMPOSITE_CUMULATOR.cumulate(channel.alloc(), cumulation, data);
      }
      return ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(channel.alloc(), cumulation, data);
    }

    @Override
    public void channelReadComplete() {
      if (!handlerClosed && !inboundFailed) {
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
