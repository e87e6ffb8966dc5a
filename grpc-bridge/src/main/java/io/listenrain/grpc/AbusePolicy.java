package io.listenrain.grpc;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The server's per-connection budgets against hostile peers (docs/RELIABILITY.md, gRPC rows 9–12): resets per time
 * window (rapid reset, CVE-2023-44487, and the resets we send because the peer misbehaved, MadeYouReset,
 * CVE-2025-55163), consecutive empty DATA frames (CVE-2019-9518), tiny DATA fragments, and automatic replies queued
 * for a peer that does not read (PING / SETTINGS floods, CVE-2019-9512/9515). The transport calls it from its frame
 * dispatch points; every method either returns normally or throws {@link PeerAbuseException}, after which the
 * transport sends GOAWAY with the exception's code and closes the connection.
 *
 * <p>I/O thread only; time comes from the injected ticker (nanoseconds, as {@link System#nanoTime}).
 */
final class AbusePolicy {
  /**
   * Default reset budget: 1,000 resets (received plus sent because of the peer) per 10-second window. An attack
   * resets tens of thousands of streams per second and trips it within milliseconds; a legitimate client would need
   * 100 cancellations or deadline expiries per second, sustained, on one connection. Netty's builder allows 200 per
   * 30 s, which a busy client with many short deadlines can reach; grpc-java leaves it off.
   */
  static final int DEFAULT_MAX_RST_PER_WINDOW = 1_000;
  /** Default reset window: 10 s. */
  static final int DEFAULT_RST_WINDOW_SECONDS = 10;
  /** Empty DATA frames without END_STREAM allowed in a row; the next one is a protocol error (as Netty: 2). */
  static final int DEFAULT_MAX_CONSECUTIVE_EMPTY_DATA = 2;
  /**
   * DATA fragments shorter than a gRPC message prefix ({@value #TINY_FRAME_BYTES} bytes) that a connection may send
   * in a burst. Each such fragment costs one credit; every {@value #BYTES_PER_TINY_CREDIT} bytes of DATA earn one
   * back, up to this burst. Every whole message needs at least 5 bytes, so fragments this small only come from
   * splitting a message at a window or buffer boundary, which a sender does at most once per window update or
   * buffer: far below one per 256 bytes.
   */
  static final int DEFAULT_MAX_TINY_DATA_FRAMES = 1_024;
  /** DATA payloads below this size (the 5-byte gRPC message prefix) are tiny fragments. */
  static final int TINY_FRAME_BYTES = 5;
  /** DATA bytes that earn back one tiny-fragment credit. */
  static final int BYTES_PER_TINY_CREDIT = 256;
  /**
   * Default cap on frames waiting in the connection's outbound queue when the peer triggers another automatic reply
   * (PING ACK, SETTINGS ACK, RST): 10,000, as Netty's {@code DEFAULT_MAX_QUEUED_CONTROL_FRAMES}. The queue only grows
   * while the socket is unwritable, i.e. while the peer does not read.
   */
  static final int DEFAULT_MAX_QUEUED_REPLIES = 10_000;

  private final int maxRstPerWindow;
  private final long rstWindowNanos;
  private final int maxConsecutiveEmptyData;
  private final int maxTinyDataFrames;
  private final int maxQueuedReplies;
  private final LongSupplier ticker;

  private long rstWindowStart;
  private int rstInWindow;
  private int consecutiveEmptyData;
  private long tinyCredit;
  private int tinyEarnedBytes;
  private volatile int peakQueuedAtReply;

  AbusePolicy(TransportConfig config, LongSupplier ticker) {
    this.maxRstPerWindow = config.maxRstPerWindow;
    this.rstWindowNanos = config.rstWindowNanos;
    this.maxConsecutiveEmptyData = config.maxConsecutiveEmptyData;
    this.maxTinyDataFrames = config.maxTinyDataFrames;
    this.maxQueuedReplies = config.maxQueuedReplies;
    this.ticker = ticker;
    this.rstWindowStart = ticker.getAsLong();
    this.tinyCredit = maxTinyDataFrames;
  }

  /**
   * A reset received from the peer, or one this end sends because of what the peer sent (a refused or malformed
   * stream). Counts against the reset budget.
   *
   * @throws PeerAbuseException past {@code maxRstPerWindow} in one window
   */
  void reset() {
    reset(1);
  }

  /**
   * As {@link #reset()}, counting {@code weight} resets at once (a refusal that cost this end decode work).
   *
   * @throws PeerAbuseException past {@code maxRstPerWindow} in one window
   */
  void reset(int weight) {
    if (maxRstPerWindow <= 0) {
      return;
    }
    long now = ticker.getAsLong();
    if (now - rstWindowStart >= rstWindowNanos) {
      rstWindowStart = now;
      rstInWindow = 0;
    }
    rstInWindow = (int) Math.min(Integer.MAX_VALUE, (long) rstInWindow + weight);
    if (rstInWindow > maxRstPerWindow) {
      throw new PeerAbuseException(Wire.ENHANCE_YOUR_CALM, "too_many_resets: more than " + maxRstPerWindow
          + " in " + TimeUnit.NANOSECONDS.toSeconds(rstWindowNanos) + " s");
    }
  }

  /**
   * A DATA frame of {@code n} payload bytes arrived (for any stream).
   *
   * @throws PeerAbuseException with PROTOCOL_ERROR past the empty-frame or tiny-fragment budget
   */
  void data(int n, boolean endStream) {
    if (n == 0) {
      if (!endStream && ++consecutiveEmptyData > maxConsecutiveEmptyData) {
        throw new PeerAbuseException(Wire.PROTOCOL_ERROR, "more than " + maxConsecutiveEmptyData
            + " consecutive empty DATA frames without END_STREAM");
      }
      return;
    }
    consecutiveEmptyData = 0;
    if (n < TINY_FRAME_BYTES && !endStream) {
      if (--tinyCredit < 0) {
        throw new PeerAbuseException(Wire.PROTOCOL_ERROR, "too many DATA fragments under " + TINY_FRAME_BYTES
            + " bytes (budget " + maxTinyDataFrames + ", one more per " + BYTES_PER_TINY_CREDIT + " bytes of DATA)");
      }
      return;
    }
    tinyEarnedBytes += n;
    if (tinyEarnedBytes >= BYTES_PER_TINY_CREDIT) {
      tinyCredit = Math.min(maxTinyDataFrames, tinyCredit + tinyEarnedBytes / BYTES_PER_TINY_CREDIT);
      tinyEarnedBytes %= BYTES_PER_TINY_CREDIT;
    }
  }

  /**
   * The peer asked for an automatic reply while {@code queuedFrames} frames wait to be written to it.
   *
   * @throws PeerAbuseException with ENHANCE_YOUR_CALM at {@code maxQueuedReplies}
   */
  void reply(int queuedFrames) {
    peakQueuedAtReply = Math.max(peakQueuedAtReply, queuedFrames);
    if (queuedFrames >= maxQueuedReplies) {
      throw new PeerAbuseException(Wire.ENHANCE_YOUR_CALM, "too_many_queued_replies: " + queuedFrames
          + " frames wait for a peer that does not read");
    }
  }

  int maxQueuedReplies() {
    return maxQueuedReplies;
  }

  /** The most frames ever found queued when the peer asked for a reply (a test observes it from another thread). */
  int peakQueuedAtReply() {
    return peakQueuedAtReply;
  }
}
