package io.listenrain.channel;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The writing thread of a {@link StreamChannel}. The channel's executor hands it buffers and commands through an
 * unbounded queue (bounded in practice by the channel's watermarks); the thread writes each buffer, releases it, and
 * on a flush command flushes the stream and reports the bytes written back to the channel. A close command flushes
 * and reports the end. {@link #stop()} interrupts the thread, which then releases whatever is still queued.
 */
final class StreamWriter implements Runnable {
  private static final AtomicInteger IDS = new AtomicInteger();
  private static final Object FLUSH = new Object();
  private static final Object CLOSE = new Object();

  private final OutputStream out;
  private final StreamChannel channel;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean stopped;

  StreamWriter(OutputStream out, StreamChannel channel) {
    this.out = out;
    this.channel = channel;
    this.thread = new Thread(this, "listenrain-stream-writer-" + IDS.incrementAndGet());
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Takes ownership of {@code buf}. */
  void enqueue(ByteBuf buf) {
    queue.add(buf);
  }

  void enqueueFlush() {
    queue.add(FLUSH);
  }

  void enqueueClose() {
    queue.add(CLOSE);
  }

  /**
   * Ends the thread and releases every buffer still queued. The thread may be releasing concurrently; each buffer is
   * polled, hence released, exactly once. A buffer the thread is writing right now is released by the thread.
   */
  void stop() {
    stopped = true;
    thread.interrupt();
    releaseQueued();
  }

  @Override
  public void run() {
    long written = 0;
    Throwable end = null;
    boolean closing = false;
    try {
      while (!stopped && !closing) {
        Object next = queue.take();
        if (next == FLUSH || next == CLOSE) {
          out.flush();
          if (written > 0) {
            channel.onWritten(written);
            written = 0;
          }
          closing = next == CLOSE;
          continue;
        }
        ByteBuf buf = (ByteBuf) next;
        try {
          int n = buf.readableBytes();
          buf.getBytes(buf.readerIndex(), out, n);
          written += n;
        } finally {
          buf.release();
        }
      }
    } catch (InterruptedException e) {
      end = new ChannelClosedException("stream writer interrupted", e);
    } catch (IOException | RuntimeException e) {
      end = e;
    } finally {
      releaseQueued();
    }
    if (!stopped) {
      channel.onWriterEnd(end);
    }
  }

  private void releaseQueued() {
    Object o;
    while ((o = queue.poll()) != null) {
      if (o instanceof ByteBuf) {
        ((ByteBuf) o).release();
      }
    }
  }
}
