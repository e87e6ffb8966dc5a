package io.listenrain.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link Channel} over a blocking {@link InputStream}/{@link OutputStream} pair.
 *
 * <p>Three threads take part. The executor (a shared event loop) owns all mutable state below and runs the handler.
 * A {@link StreamReader} thread blocks on the input stream and posts each chunk to the executor. A
 * {@link StreamWriter} thread takes flushed buffers from a handoff queue and writes them, so a slow stream never
 * blocks the executor. The executor counts bytes written but not yet confirmed by the writer; that count drives
 * writability against the watermarks, exactly as Netty's outbound buffer does.
 *
 * <p>Closing (on the executor): graceful close flushes, then asks the writer to flush the stream and report back;
 * {@link #finish} then interrupts both threads and closes both streams (on a helper thread), which unblocks and ends
 * them. Once closed, the channel reports {@code channelClosed} on a later executor task, never re-entrantly.
 */
final class StreamChannel implements Channel {
  private static final int READ_CHUNK = 16 * 1024;
  /** Chunks read ahead of the handler; beyond this the reader stops reading, so a slow handler slows the peer. */
  private static final int READ_AHEAD = 16;

  private final InputStream in;
  private final OutputStream out;
  private final EventLoop executor;
  private final ByteBufAllocator alloc;
  private final int lowWatermark;
  private final int highWatermark;
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final StreamReader reader;
  private final StreamWriter writer;
  private final String kind;
  private final String name;

  private volatile boolean closed;
  private volatile boolean writable = true;

  // Executor-only state.
  private ChannelHandler handler;
  private boolean closeRequested;
  private boolean reported;
  private Throwable closeCause;
  private final ArrayDeque<ByteBuf> unflushed = new ArrayDeque<>();
  private long pendingBytes;

  StreamChannel(InputStream in, OutputStream out, EventLoop executor, ChannelOptions options) {
    this(in, out, executor, options, "stream",
        "stream[" + in.getClass().getSimpleName() + "/" + out.getClass().getSimpleName() + "]");
  }

  /** A stream channel reporting {@code kind} (a FIFO pair reports {@code "fifo"}) and described by {@code name}. */
  StreamChannel(InputStream in, OutputStream out, EventLoop executor, ChannelOptions options, String kind,
      String name) {
    this.kind = kind;
    this.name = name;
    this.in = in;
    this.out = out;
    this.executor = executor;
    this.alloc = options.allocator();
    this.lowWatermark = options.lowWatermark();
    this.highWatermark = options.highWatermark();
    this.reader = new StreamReader(in, alloc, READ_CHUNK, READ_AHEAD, this);
    this.writer = new StreamWriter(out, this);
  }

  @Override
  public void start(ChannelHandler handler) {
    if (handler == null) {
      throw new NullPointerException("handler");
    }
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("channel already started: " + this);
    }
    executor.execute(() -> {
      this.handler = handler;
      if (closed) {
        report();
        return;
      }
      writer.start();
      reader.start();
    });
  }

  @Override
  public EventExecutor executor() {
    return executor;
  }

  @Override
  public ByteBufAllocator alloc() {
    return alloc;
  }

  @Override
  public void write(ByteBuf data) {
    if (closed || closeRequested) {
      ReferenceCountUtil.safeRelease(data);
      return;
    }
    unflushed.add(data);
    pendingBytes += data.readableBytes();
    if (writable && pendingBytes > highWatermark) {
      writable = false;
      fireWritability(false);
    }
  }

  @Override
  public void flush() {
    if (closed) {
      return;
    }
    ByteBuf b;
    while ((b = unflushed.poll()) != null) {
      writer.enqueue(b);
    }
    writer.enqueueFlush();
  }

  @Override
  public boolean isWritable() {
    return writable && !closed;
  }

  @Override
  public void setReadsPaused(boolean paused) {
    reader.setPaused(paused);
  }

  @Override
  public boolean isOpen() {
    return !closed;
  }

  @Override
  public SocketAddress localAddress() {
    return null;
  }

  @Override
  public SocketAddress remoteAddress() {
    return null;
  }

  @Override
  public CompletableFuture<Void> close() {
    runOnExecutor(() -> {
      if (closed || closeRequested) {
        return;
      }
      if (!started.get()) {
        finish(null); // no writer thread yet: nothing can be flushed
        return;
      }
      flush();
      closeRequested = true;
      writer.enqueueClose();
    });
    return closeFuture;
  }

  @Override
  public void abort(Throwable cause) {
    runOnExecutor(() -> finish(cause));
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  @Override
  public String kind() {
    return kind;
  }

  @Override
  public String toString() {
    return name;
  }

  // ---- called by the reader and writer threads; each hops onto the executor ----

  /** The reader read {@code chunk}; ownership passes to the executor task. */
  void onRead(ByteBuf chunk) {
    executor.execute(() -> {
      try {
        if (closed || handler == null) {
          chunk.release();
          return;
        }
        handler.channelRead(chunk);
        if (!closed) {
          handler.channelReadComplete();
        }
      } catch (RuntimeException e) {
        finish(e); // as Netty does for a handler that throws: the channel cannot be trusted further
      } finally {
        reader.chunkConsumed();
      }
    });
  }

  /** The input ended ({@code cause == null}) or failed; the channel closes. */
  void onReadEnd(Throwable cause) {
    executor.execute(() -> finish(cause));
  }

  /** The writer wrote and released buffers holding {@code bytes} bytes. */
  void onWritten(long bytes) {
    executor.execute(() -> {
      pendingBytes -= bytes;
      if (!writable && pendingBytes < lowWatermark && !closed) {
        writable = true;
        fireWritability(true);
      }
    });
  }

  /** The writer flushed everything before a graceful close ({@code cause == null}), or failed. */
  void onWriterEnd(Throwable cause) {
    executor.execute(() -> finish(cause));
  }

  // ---- executor only ----

  private void finish(Throwable cause) {
    if (closed) {
      return;
    }
    closeCause = cause;
    closed = true;
    ByteBuf b;
    while ((b = unflushed.poll()) != null) {
      b.release();
    }
    writer.stop();
    reader.stop();
    closeStreams();
    if (handler != null) {
      executor.execute(this::report); // later, as Netty does: never re-enter a handler from its own close call
    } else {
      closeFuture.complete(null); // not started: start() will still report once
    }
  }

  private void report() {
    if (reported) {
      return;
    }
    reported = true;
    try {
      handler.channelClosed(closeCause);
    } finally {
      closeFuture.complete(null);
    }
  }

  private void fireWritability(boolean now) {
    if (handler != null && !reported) {
      handler.writabilityChanged(now);
    }
  }

  private void runOnExecutor(Runnable task) {
    if (executor.inEventLoop()) {
      task.run();
    } else {
      executor.execute(task);
    }
  }

  /**
   * Closes both streams on a short-lived thread, never on the executor: a synchronized stream (a PrintStream, a
   * BufferedOutputStream) blocks close() while its writer is stuck in write(), and the executor is shared.
   */
  private void closeStreams() {
    Thread closer = new Thread(() -> {
      closeQuietly(in);
      closeQuietly(out);
    }, "listenrain-stream-closer");
    closer.setDaemon(true);
    closer.start();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // Closing is best effort; the channel is closed either way.
    }
  }
}
