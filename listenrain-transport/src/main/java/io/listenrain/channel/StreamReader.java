package io.listenrain.channel;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reading thread of a {@link StreamChannel}: blocks on the input stream, reads into pooled buffers and posts each
 * chunk to the channel. At most {@code readAhead} chunks wait for the handler at a time, and none is read while the
 * handler has paused reads. Ends at end of stream, on an error, or when {@link #stop()} interrupts it (the channel
 * closes the stream too, which unblocks a socket read).
 */
final class StreamReader implements Runnable {
  private static final AtomicInteger IDS = new AtomicInteger();

  private final InputStream in;
  private final ByteBufAllocator alloc;
  private final int chunkSize;
  private final Semaphore readAhead;
  private final StreamChannel channel;
  private final Thread thread;
  private volatile boolean stopped;
  private final Object pauseLock = new Object();
  /** Reads paused by the channel's handler; guarded by {@link #pauseLock}. */
  @GuardedBy("pauseLock")
  private boolean paused;

  StreamReader(InputStream in, ByteBufAllocator alloc, int chunkSize, int readAhead, StreamChannel channel) {
    this.in = in;
    this.alloc = alloc;
    this.chunkSize = chunkSize;
    this.readAhead = new Semaphore(readAhead);
    this.channel = channel;
    this.thread = new Thread(this, "listenrain-stream-reader-" + IDS.incrementAndGet());
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  void stop() {
    stopped = true;
    thread.interrupt();
  }

  /** Pauses or resumes reading; a read already blocked in the stream completes first. Any thread. */
  void setPaused(boolean p) {
    synchronized (pauseLock) {
      paused = p;
      if (!p) {
        pauseLock.notifyAll();
      }
    }
  }

  private void awaitUnpaused() throws InterruptedException {
    synchronized (pauseLock) {
      while (paused && !stopped) {
        pauseLock.wait();
      }
    }
  }

  /** The handler is done with one chunk: the reader may read one more. */
  void chunkConsumed() {
    readAhead.release();
  }

  @Override
  public void run() {
    Throwable end = null;
    try {
      while (!stopped) {
        awaitUnpaused();
        readAhead.acquire();
        ByteBuf chunk = alloc.heapBuffer(chunkSize);
        int n;
        try {
          n = chunk.writeBytes(in, chunkSize);
        } catch (Throwable t) {
          chunk.release();
          throw t;
        }
        if (n < 0) {
          chunk.release();
          break;
        }
        if (n == 0) {
          chunk.release();
          readAhead.release();
          continue;
        }
        channel.onRead(chunk);
      }
    } catch (InterruptedException e) {
      end = new ChannelClosedException("stream reader interrupted", e);
    } catch (IOException | RuntimeException e) {
      end = e;
    }
    if (!stopped) {
      channel.onReadEnd(end);
    }
  }
}
