package io.listenrain.grpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Writes each stream's queued frames within the peer's windows, so that a stream that has started a message tends to
 * finish it, while a small call never waits behind a whole large message. I/O thread only.
 *
 * <h2>Scheduling</h2>
 * Streams with something to write take turns, round-robin. In its turn a stream writes DATA frames (each at most the
 * peer's max frame size) until it has written a {@linkplain #DEFAULT_QUANTUM quantum} of bytes, and then keeps the
 * turn while the rest of what it has queued is at most a quarter of the quantum: a message just over a frame (a
 * 256 KiB protobuf is 256 KiB and ~10 bytes) leaves in one turn instead of leaving its ~10-byte tail to wait a whole
 * round behind every other stream. A turn therefore writes at most 1.25 quanta, and that bounds how long any stream
 * waits per other stream.
 *
 * <p>A stream whose whole queue is such a small tail (a 4 KiB call, a HEADERS or TRAILERS frame), when it asks for a
 * turn and still when the turn comes, waits in a second line, and turns alternate between the two lines while both
 * are waiting: a small call waits for at most one large turn per small stream ahead of it, not for a turn of every
 * large stream, and large streams still get at least every other turn.
 *
 * <p>At most {@linkplain #DEFAULT_MAX_PARTIAL_STREAMS a few} streams may hold a partly written batch at once (a batch is
 * the DATA a stream had queued when it began writing; more queued meanwhile is a later batch). A stream whose queue
 * cannot be emptied in one turn waits, in arrival order, until one of them finishes its batch; a stream whose queue
 * fits in one turn never waits for that. A stream that keeps queueing gives its place up after each batch, so it
 * cannot keep a waiting stream out. So large
 * messages finish one after another (the receiver can process and answer the first while the next arrives) instead of
 * all finishing together at the end, and the receiver holds a few partial messages instead of one per stream. A
 * partial stream stopped by its own stream window does not count against the bound, so a slow reader does not idle
 * the connection.
 *
 * <p>Control frames queued on a stream (response HEADERS, TRAILERS) keep their place behind that stream's data and
 * are not flow controlled.
 *
 * <p>Buffer ownership: queued buffers belong to the controller until written (then to the frame sink) or until
 * {@link #cancel} releases them.
 */
final class OutboundFlowController {
  /**
   * Default bytes a stream may write per turn: 256 KiB, the default max frame size this implementation advertises.
   * grpc-netty hands out its connection window in chunks of at least 16 KiB (its HTTP/2 frame size); our frames are
   * slices of the framer's buffers, so a larger turn costs no copies, and it is what lets a 256 KiB message leave in
   * one turn.
   */
  static final int DEFAULT_QUANTUM = 256 * 1024;
  /** Default number of streams that may hold a partly written message at once. */
  static final int DEFAULT_MAX_PARTIAL_STREAMS = 4;

  /** One stream's outbound side. */
  static final class StreamState {
    int id;
    int window;
    boolean active;
    boolean cancelled;
    private boolean listed;
    private boolean deferred;
    /** Wrote part of its queue in an earlier turn and still has data queued. */
    private boolean partial;
    /** Stopped by its own stream window with data queued. */
    private boolean windowBlocked;
    /** Has written part, not all, of its batch: the DATA that was queued when it began writing. */
    private boolean started;
    /** DATA bytes of the batch not written yet. */
    private long batchLeft;
    /** Bytes of DATA written in the current turn. */
    private int turnBytes;
    /** Readable bytes of the queued DATA. */
    private long queuedBytes;
    private final ArrayDeque<Object> items = new ArrayDeque<>();
    private final IntConsumer onSent;

    /** @param onSent told how many DATA payload bytes left the queue, on the I/O thread */
    StreamState(IntConsumer onSent) {
      this.onSent = onSent;
    }

    boolean hasPending() {
      return !items.isEmpty();
    }
  }

  private static final class Data {
    final ByteBuf buf;
    final boolean endStream;

    Data(ByteBuf buf, boolean endStream) {
      this.buf = buf;
      this.endStream = endStream;
    }
  }

  private static final class Control {
    final ByteBuf frame;
    final Runnable afterWrite;

    Control(ByteBuf frame, Runnable afterWrite) {
      this.frame = frame;
      this.afterWrite = afterWrite;
    }
  }

  private static final int DONE = 0;
  private static final int MORE = 1;
  private static final int STREAM_BLOCKED = 2;
  private static final int CONNECTION_BLOCKED = 3;

  private final ByteBufAllocator alloc;
  private final Consumer<ByteBuf> sink;
  private final int quantum;
  private final int tailSlack;
  private final int maxPartialStreams;
  /** Streams with a large queue or a partly written message, waiting for a turn. */
  private final ArrayDeque<StreamState> ready = new ArrayDeque<>();
  /** Streams whose whole queue, when listed, was a small tail's worth of DATA (or control frames only). */
  private final ArrayDeque<StreamState> small = new ArrayDeque<>();
  /** The stream whose turn a connection window stopped, or null. */
  private StreamState current;
  private boolean smallsTurn;
  /** Streams waiting for a partial slot, in arrival order. */
  private final ArrayDeque<StreamState> deferred = new ArrayDeque<>();
  /** Partial streams not stopped by their stream window. */
  private int runningPartials;
  private int partialStreams;
  private long queuedDataBytes;
  private long peakQueuedDataBytes;
  private int connectionWindow;
  private int initialStreamWindow;
  private int maxFrameSize;

  // Counters for tests and diagnostics.
  private long dataFrames;
  private long connectionBlocks;
  private long streamBlocks;

  OutboundFlowController(ByteBufAllocator alloc, Consumer<ByteBuf> sink, Settings peer) {
    this(alloc, sink, peer, DEFAULT_QUANTUM, DEFAULT_MAX_PARTIAL_STREAMS);
  }

  /**
   * @param quantum DATA bytes a stream writes per turn before it must give way (at least 1)
   * @param maxPartialStreams streams that may hold a partly written message at once (at least 1)
   */
  OutboundFlowController(ByteBufAllocator alloc, Consumer<ByteBuf> sink, Settings peer, int quantum,
      int maxPartialStreams) {
    if (quantum < 1 || maxPartialStreams < 1) {
      throw new IllegalArgumentException("quantum and maxPartialStreams must be positive: " + quantum + ", "
          + maxPartialStreams);
    }
    this.alloc = alloc;
    this.sink = sink;
    this.quantum = quantum;
    this.tailSlack = quantum / 4;
    this.maxPartialStreams = maxPartialStreams;
    applyPeerSettings(peer);
  }

  /** Takes the peer's windows and frame size; only called once, before any stream is active. */
  void applyPeerSettings(Settings peer) {
    connectionWindow = peer.connectionWindow;
    initialStreamWindow = peer.initialStreamWindow;
    maxFrameSize = peer.maxFrameSize;
  }

  int connectionWindow() {
    return connectionWindow;
  }

  /** DATA frames written so far. */
  long dataFrames() {
    return dataFrames;
  }

  /** Times a stream with data to write found the connection window empty. */
  long connectionBlocks() {
    return connectionBlocks;
  }

  /** Times a stream with data to write found its own stream window empty. */
  long streamBlocks() {
    return streamBlocks;
  }

  /** Streams holding a partly written message now (stream-window-blocked ones included). */
  int partialStreams() {
    return partialStreams;
  }

  /** Streams waiting for a partial slot now. */
  int deferredStreams() {
    return deferred.size();
  }

  /** DATA payload bytes queued on all streams and not yet handed to the frame sink. */
  long queuedDataBytes() {
    return queuedDataBytes;
  }

  /** The most {@link #queuedDataBytes()} has been. */
  long peakQueuedDataBytes() {
    return peakQueuedDataBytes;
  }

  /** The stream has its id: its frames may now be written. */
  void activate(StreamState s, int id) {
    s.id = id;
    s.window = initialStreamWindow;
    s.active = true;
    list(s);
  }

  /** Queues DATA; takes ownership of {@code data}, which must not be a slice or duplicate of another buffer. */
  void enqueueData(StreamState s, ByteBuf data, boolean endStream) {
    if (s.cancelled) {
      data.release();
      return;
    }
    s.items.add(new Data(data, endStream));
    s.queuedBytes += data.readableBytes();
    queuedDataBytes += data.readableBytes();
    peakQueuedDataBytes = Math.max(peakQueuedDataBytes, queuedDataBytes);
    list(s);
  }

  /** Queues a frame that is not flow controlled behind the stream's data; takes ownership of {@code frame}. */
  void enqueueControl(StreamState s, ByteBuf frame, Runnable afterWrite) {
    if (s.cancelled) {
      frame.release();
      return;
    }
    s.items.add(new Control(frame, afterWrite));
    list(s);
  }

  void streamWindowUpdate(StreamState s, int increment) {
    s.window = (int) Math.min(Integer.MAX_VALUE, (long) s.window + increment);
    if (s.window > 0) {
      setWindowBlocked(s, false);
    }
    list(s);
  }

  void connectionWindowUpdate(int increment) {
    connectionWindow = (int) Math.min(Integer.MAX_VALUE, (long) connectionWindow + increment);
  }

  /** Drops the stream's queued frames, releasing them. Idempotent. */
  void cancel(StreamState s) {
    s.cancelled = true;
    Object item;
    while ((item = s.items.poll()) != null) {
      release(item);
    }
    s.queuedBytes = 0;
    s.started = false;
    s.batchLeft = 0;
    setWindowBlocked(s, false);
    setPartial(s, false);
    if (s.deferred) {
      s.deferred = false;
      deferred.remove(s);
    }
    // A listed stream is dropped when it reaches the head of the ready queue.
  }

  private void release(Object item) {
    if (item instanceof Data) {
      queuedDataBytes -= ((Data) item).buf.readableBytes();
      ((Data) item).buf.release();
    } else {
      ((Control) item).frame.release();
    }
  }

  private void list(StreamState s) {
    if (s.active && !s.listed && !s.deferred && !s.cancelled && !s.items.isEmpty()) {
      s.listed = true;
      if (!s.partial && s.queuedBytes <= tailSlack) {
        small.addLast(s);
      } else {
        ready.addLast(s);
      }
    }
  }

  private void setPartial(StreamState s, boolean partial) {
    if (s.partial == partial) {
      return;
    }
    s.partial = partial;
    partialStreams += partial ? 1 : -1;
    if (!s.windowBlocked) {
      runningPartials += partial ? 1 : -1;
      if (!partial) {
        admitDeferred();
      }
    }
  }

  private void setWindowBlocked(StreamState s, boolean blocked) {
    if (s.windowBlocked == blocked) {
      return;
    }
    s.windowBlocked = blocked;
    if (s.partial) {
      runningPartials += blocked ? -1 : 1;
      if (blocked) {
        admitDeferred();
      }
    }
  }

  /** A partial slot may be free: deferred streams go back to the ready queue, in order, to be judged again. */
  private void admitDeferred() {
    if (runningPartials >= maxPartialStreams) {
      return;
    }
    StreamState s;
    while ((s = deferred.pollFirst()) != null) {
      s.deferred = false;
      list(s);
    }
  }

  /** True if the stream must wait for a partial slot before it starts on its queue. */
  private boolean mustDefer(StreamState s) {
    return !s.partial && runningPartials >= maxPartialStreams && s.queuedBytes > (long) quantum + tailSlack;
  }

  /** Writes what the windows allow. */
  void writePending() {
    while (true) {
      StreamState s = current != null ? current : next();
      if (s == null) {
        return;
      }
      current = s;
      if (!s.cancelled && s.turnBytes == 0 && mustDefer(s)) {
        current = null;
        s.listed = false;
        s.deferred = true;
        deferred.addLast(s);
        continue;
      }
      int r = step(s);
      if (r == CONNECTION_BLOCKED) {
        connectionBlocks++;
        return; // the turn resumes where it stopped when credit comes back
      }
      current = null;
      s.listed = false;
      s.turnBytes = 0;
      setPartial(s, s.started);
      if (r == STREAM_BLOCKED) {
        streamBlocks++;
        setWindowBlocked(s, true); // listed again by its WINDOW update
      } else if (r == MORE) {
        list(s);
      }
    }
  }

  /** The next turn: small and large turns alternate while both kinds wait. */
  private StreamState next() {
    while (!small.isEmpty() && (smallsTurn || ready.isEmpty())) {
      StreamState s = small.pollFirst();
      if (!s.cancelled && (s.partial || s.queuedBytes > tailSlack)) {
        // Listed with HEADERS only (a response), then its body arrived: it waits with the large streams.
        ready.addLast(s);
        continue;
      }
      smallsTurn = false;
      return s;
    }
    smallsTurn = true;
    return ready.pollFirst();
  }

  /** Writes the stream's turn; the turn may end early on a window. */
  private int step(StreamState s) {
    while (true) {
      if (s.cancelled) {
        return DONE;
      }
      Object item = s.items.peekFirst();
      if (item == null) {
        return DONE;
      }
      if (item instanceof Control) {
        s.items.pollFirst();
        Control c = (Control) item;
        sink.accept(c.frame);
        if (c.afterWrite != null) {
          c.afterWrite.run();
        }
        continue;
      }
      Data d = (Data) item;
      int len = d.buf.readableBytes();
      if (len == 0) {
        s.items.pollFirst();
        dataFrames++;
        sink.accept(FrameWriter.data(alloc, s.id, d.endStream, d.buf, true));
        continue;
      }
      if (!s.started && s.turnBytes > 0) {
        return MORE; // its batch is written and more arrived while a window stopped it: judged again next turn
      }
      if (s.turnBytes >= quantum && s.queuedBytes > tailSlack) {
        return MORE; // the turn is used up and what is left is not a small tail
      }
      if (s.window <= 0) {
        return STREAM_BLOCKED;
      }
      if (connectionWindow <= 0) {
        return CONNECTION_BLOCKED;
      }
      int n = Math.min(len, Math.min(maxFrameSize, Math.min(s.window, connectionWindow)));
      boolean last = n == len;
      ByteBuf chunk;
      if (last) {
        s.items.pollFirst();
        chunk = d.buf;
      } else {
        chunk = d.buf.readRetainedSlice(n);
      }
      s.window -= n;
      connectionWindow -= n;
      if (!s.started) {
        s.started = true;
        s.batchLeft = s.queuedBytes;
      }
      s.turnBytes += n;
      s.queuedBytes -= n;
      s.batchLeft -= n;
      if (s.batchLeft <= 0) {
        s.started = false;
      }
      dataFrames++;
      queuedDataBytes -= n;
      // The last chunk is the queued buffer itself (its front, if any, went out as slices): undivided.
      sink.accept(FrameWriter.data(alloc, s.id, last && d.endStream, chunk, last));
      s.onSent.accept(n);
    }
  }
}
