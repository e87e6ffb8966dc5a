package io.listenrain.grpc;

import io.grpc.internal.WritableBuffer;
import io.grpc.internal.WritableBufferAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.concurrent.atomic.LongAdder;

/**
 * A gRPC {@link WritableBuffer} over a pooled {@link ByteBuf} of fixed capacity, with
 * {@link FrameWriter#DATA_HEADROOM} free bytes in front of the data so that the packet length and DATA header are
 * written in place when the buffer goes out as one frame. The framer fills it, then hands it to the stream sink, which {@linkplain #takeOver() takes the ByteBuf over}; {@link #release()} is for buffers never
 * handed over (the framer's {@code dispose}).
 *
 * <h2>Abandoned buffers (client streams)</h2>
 * grpc-java never disposes a client stream's framer: {@code RetriableStream} stops forwarding {@code halfClose} (and
 * later messages) to a stream the server already closed, so a message framed just before that close stays in the
 * framer, neither handed over nor released, and the stream is simply dropped. grpc-core and grpc-netty have no call
 * that releases it. Releasing it from the I/O thread when the stream closes would race with an application thread
 * still writing into it. So a client buffer is {@linkplain #reclaimable registered with a Cleaner}: once the
 * wrapper is unreachable (the framer and its stream are garbage, so nobody can write to it any more) and it was
 * never handed over or released, the cleaner thread releases the pooled buffer. Hand-over and release unregister it
 * at once, so in the common case no reference is left for the garbage collector to process.
 */
final class ByteBufWritableBuffer implements WritableBuffer {
  private static final Cleaner CLEANER = Cleaner.create();
  private static final LongAdder RECLAIMED = new LongAdder();
  /** Reclaimable buffers neither handed over, released nor reclaimed yet. */
  private static final LongAdder OUTSTANDING = new LongAdder();

  private final ByteBuf buf;
  private final Reclaim reclaim;
  private final Cleaner.Cleanable cleanable;

  private ByteBufWritableBuffer(ByteBuf buf, boolean reclaimable) {
    this.buf = buf;
    if (reclaimable) {
      reclaim = new Reclaim(buf);
      cleanable = CLEANER.register(this, reclaim);
      OUTSTANDING.increment();
    } else {
      reclaim = null;
      cleanable = null;
    }
  }

  /** Releases the buffer of an abandoned wrapper. Must not refer to the wrapper. */
  private static final class Reclaim implements Runnable {
    private final ByteBuf buf;
    /** Set by the owner thread before {@code clean()}; {@code clean()} runs the action at most once. */
    private volatile boolean disowned;

    Reclaim(ByteBuf buf) {
      this.buf = buf;
    }

    @Override
    public void run() {
      if (!disowned) {
        disowned = true;
        buf.release();
        RECLAIMED.increment();
      }
      OUTSTANDING.decrement();
    }
  }

  /** Abandoned client buffers released by the cleaner so far (for tests and diagnostics). */
  static long reclaimedCount() {
    return RECLAIMED.sum();
  }

  /** Client buffers allocated and not yet handed over, released or reclaimed (for tests and diagnostics). */
  static long outstandingCount() {
    return OUTSTANDING.sum();
  }

  /**
   * Hands the buffer over to the caller, who must release it. Call once, on the thread that filled the buffer.
   */
  ByteBuf takeOver() {
    disown();
    return buf;
  }

  private void disown() {
    if (reclaim != null) {
      reclaim.disowned = true;
      cleanable.clean();
      // Keep this wrapper reachable until it is unregistered: otherwise the collector may find it unreachable
      // mid-method and the cleaner thread could release a buffer that is being handed over.
      Reference.reachabilityFence(this);
    }
  }

  @Override
  public void write(byte[] src, int srcIndex, int length) {
    buf.writeBytes(src, srcIndex, length);
  }

  @Override
  public void write(byte b) {
    buf.writeByte(b);
  }

  @Override
  public int writableBytes() {
    return buf.maxWritableBytes();
  }

  @Override
  public int readableBytes() {
    return buf.readableBytes();
  }

  @Override
  public void release() {
    disown();
    buf.release();
  }

  /** The smallest buffer handed to the framer. */
  static final int MIN_CAPACITY = 4096;
  /**
   * The largest buffer handed to the framer. Independent of the DATA frame size: the outbound flow controller cuts
   * a buffer into frames with slices, so a larger buffer means fewer hand-offs to the I/O thread per message (a
   * 4 MiB message is 4 commands instead of 64 at a 64 KiB frame size) and no copy. grpc-netty caps its buffers at
   * the same 1 MiB.
   */
  static final int MAX_CAPACITY = 1024 * 1024;

  /**
   * Allocates buffers between {@link #MIN_CAPACITY} and {@link #MAX_CAPACITY}, as the hint asks.
   *
   * @param reclaimable register each buffer for release when abandoned (client streams; see the class doc)
   */
  static WritableBufferAllocator allocator(ByteBufAllocator alloc, boolean reclaimable) {
    return capacityHint -> {
      int cap = Math.min(MAX_CAPACITY, Math.max(MIN_CAPACITY, capacityHint));
      // Room in front for the packet length and the DATA header, written in place when the buffer is sent.
      int headroom = FrameWriter.DATA_HEADROOM;
      ByteBuf buf = alloc.buffer(headroom + cap, headroom + cap);
      buf.setIndex(headroom, headroom);
      return new ByteBufWritableBuffer(buf, reclaimable);
    };
  }
}
