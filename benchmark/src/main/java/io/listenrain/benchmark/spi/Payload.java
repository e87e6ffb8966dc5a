package io.listenrain.benchmark.spi;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bytes a benchmark cell sends, with cheap verification of what comes back.
 *
 * <p>The content is pseudo-random and depends only on the size ({@link #of(int)} is deterministic), so a server can
 * produce the bytes a client expects without a side channel. Instances are immutable and shared; the views they hand
 * out ({@link #byteString()}, {@link #directBuffer()}) must not be modified.
 *
 * <h2>Verification</h2>
 * {@link #matches} checks the exact size and a sample of the bytes: the first and last {@value #EDGE} bytes and
 * {@value #STRIDES} positions spread over the body. That catches truncation, mis-correlated responses (a response of
 * another call of the same size carries the same bytes, so correlation is checked by the contenders' own ids where
 * they have them) and corrupted framing, at a cost independent of the size.
 */
public final class Payload {
  static final int EDGE = 64;
  static final int STRIDES = 32;

  private static final ConcurrentHashMap<Integer, Payload> CACHE = new ConcurrentHashMap<>();

  private final byte[] bytes;
  private final int[] samples;
  private final ByteString byteString;
  private volatile ByteBuf direct;

  private Payload(int size) {
    bytes = new byte[size];
    new SplittableRandom(0x5EED_0000L + size).nextBytes(bytes);
    samples = samplePositions(size);
    byteString = UnsafeByteOperations.unsafeWrap(bytes);
  }

  /** The shared payload of {@code size} bytes. */
  public static Payload of(int size) {
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0: " + size);
    }
    return CACHE.computeIfAbsent(size, Payload::new);
  }

  private static int[] samplePositions(int size) {
    int edge = Math.min(EDGE, size);
    int[] p = new int[Math.min(size, 2 * edge + STRIDES)];
    int n = 0;
    for (int i = 0; i < edge && n < p.length; i++) {
      p[n++] = i;
    }
    for (int i = size - edge; i < size && n < p.length; i++) {
      if (i >= edge) {
        p[n++] = i;
      }
    }
    for (int s = 0; s < STRIDES && n < p.length; s++) {
      int i = (int) ((long) size * (2 * s + 1) / (2 * STRIDES));
      p[n++] = i;
    }
    return java.util.Arrays.copyOf(p, n);
  }

  public int size() {
    return bytes.length;
  }

  /** A copy of the bytes. */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  /** Writes the bytes to {@code out}. */
  public void writeTo(java.io.OutputStream out) throws java.io.IOException {
    out.write(bytes);
  }

  /** A zero-copy protobuf view of the bytes. Do not modify. */
  public ByteString byteString() {
    return byteString;
  }

  /**
   * A shared direct buffer holding the bytes, unreleasable: send {@code directBuffer().duplicate()} as often as
   * needed, releases are no-ops. Allocated once per payload size and never freed (the harness holds a few sizes).
   */
  public ByteBuf directBuffer() {
    ByteBuf d = direct;
    if (d == null) {
      synchronized (this) {
        d = direct;
        if (d == null) {
          ByteBuf b = Unpooled.directBuffer(bytes.length, bytes.length).writeBytes(bytes);
          direct = d = Unpooled.unreleasableBuffer(b);
        }
      }
    }
    return d;
  }

  /** Whether {@code response} has this payload's size and sampled bytes. */
  public boolean matches(ByteString response) {
    if (response.size() != bytes.length) {
      return false;
    }
    for (int i : samples) {
      if (response.byteAt(i) != bytes[i]) {
        return false;
      }
    }
    return true;
  }

  /** Whether the readable bytes of {@code response} match; the buffer's indices are not moved. */
  public boolean matches(ByteBuf response) {
    if (response.readableBytes() != bytes.length) {
      return false;
    }
    int base = response.readerIndex();
    for (int i : samples) {
      if (response.getByte(base + i) != bytes[i]) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code length} bytes of {@code buf} from {@code offset} match. */
  public boolean matches(byte[] buf, int offset, int length) {
    if (length != bytes.length) {
      return false;
    }
    for (int i : samples) {
      if (buf[offset + i] != bytes[i]) {
        return false;
      }
    }
    return true;
  }

  /** The exception to report when a response of {@code actualSize} bytes does not match. */
  public ResponseMismatchException mismatch(long actualSize) {
    return new ResponseMismatchException(actualSize == bytes.length
        ? "response of " + actualSize + " bytes differs from the payload in sampled bytes"
        : "response of " + actualSize + " bytes, expected " + bytes.length);
  }

  @Override
  public String toString() {
    return "Payload(" + bytes.length + " B)";
  }
}
