package io.listenrain.grpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Writes each stream's queued frames within the peer's windows, round-robin between streams, so one large message
 * is cut into frames of at most the peer's max frame size and interleaved with other streams' frames. Control
 * frames queued on a stream (response HEADERS, TRAILERS) keep their place behind that stream's data and are not
 * flow controlled. I/O thread only.
 *
 * <p>Buffer ownership: queued buffers belong to the controller until written (then to the frame sink) or until
 * {@link #cancel} / {@link #cancelAll} release them.
 */
final class OutboundFlowController {
  /** One stream's outbound side. */
  static final class StreamState {
    int id;
    int window;
    boolean active;
    boolean cancelled;
    private boolean listed;
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
  private final ArrayDeque<StreamState> ready = new ArrayDeque<>();
  private long queuedDataBytes;
  private long peakQueuedDataBytes;
  private int connectionWindow;
  private int initialStreamWindow;
  private int maxFrameSize;

  OutboundFlowController(ByteBufAllocator alloc, Consumer<ByteBuf> sink, Settings peer) {
    this.alloc = alloc;
    this.sink = sink;
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
    if (s.active && !s.listed && !s.cancelled && !s.items.isEmpty()) {
      s.listed = true;
      ready.addLast(s);
    }
  }

  /** Writes what the windows allow, one frame per stream per turn. */
  void writePending() {
    StreamState s;
    while ((s = ready.peekFirst()) != null) {
      int r = step(s);
      if (r == CONNECTION_BLOCKED) {
        return;
      }
      ready.pollFirst();
      s.listed = false;
      if (r == MORE) {
        list(s);
      }
    }
  }

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
        sink.accept(FrameWriter.data(alloc, s.id, d.endStream, d.buf, true));
        continue;
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
      queuedDataBytes -= n;
      // The last chunk is the queued buffer itself (its front, if any, went out as slices): undivided.
      sink.accept(FrameWriter.data(alloc, s.id, last && d.endStream, chunk, last));
      s.onSent.accept(n);
      return s.items.isEmpty() ? DONE : MORE;
    }
  }
}
