package io.listenrain.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite every {@link Channel} kind passes. A subclass supplies connected pairs of its kind and says
 * which optional behaviours the kind has (a reset visible to the peer, a graceful close that waits for a slow peer).
 */
public abstract class AbstractChannelTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private ChannelPair pair;

  /** A connected, unstarted pair of this kind. */
  protected abstract ChannelPair connect(ChannelOptions options) throws Exception;

  /** The kind name {@link Channel#kind()} reports. */
  protected abstract String kind();

  /** Whether {@link Channel#abort} makes the peer see an error (a TCP reset), rather than an orderly end. */
  protected boolean peerSeesAbortAsError() {
    return false;
  }


  /**
   * Whether a graceful close with more unflushed bytes than the path can buffer stays pending until the peer reads
   * (so an abort can still cut it short).
   */
  protected boolean gracefulCloseWaitsForASlowPeer() {
    return true;
  }

  private ChannelPair pair(ChannelOptions options) throws Exception {
    pair = connect(options);
    return pair;
  }

  private ChannelPair pair() throws Exception {
    return pair(ChannelOptions.defaults());
  }

  @AfterEach
  void closePair() throws Exception {
    if (pair != null) {
      pair.close();
      pair.client.closeFuture().get(10, TimeUnit.SECONDS);
      pair.server.closeFuture().get(10, TimeUnit.SECONDS);
    }
  }

  static <T> T onLoop(Channel ch, Callable<T> task) throws Exception {
    return ch.executor().submit(task).get(30, TimeUnit.SECONDS);
  }

  static void onLoop(Channel ch, Runnable task) throws Exception {
    ch.executor().submit(task).get(30, TimeUnit.SECONDS);
  }

  /** Writes {@code data} in chunks of at most {@code chunk} bytes, flushing after each, on the channel's executor. */
  static void writeAll(Channel ch, byte[] data, int chunk) throws Exception {
    onLoop(ch, () -> {
      for (int off = 0; off < data.length; off += chunk) {
        int n = Math.min(chunk, data.length - off);
        ByteBuf b = ch.alloc().buffer(n);
        b.writeBytes(data, off, n);
        ch.write(b);
        ch.flush();
      }
    });
  }

  static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static void awaitReceived(RecordingChannelHandler h, long bytes) {
    Awaitility.await().atMost(WAIT).until(() -> h.received.get() >= bytes);
  }

  @Test
  void reportsItsKind() throws Exception {
    ChannelPair p = pair();
    assertThat(p.client.kind()).isEqualTo(kind());
    assertThat(p.server.kind()).isEqualTo(kind());
    assertThat(p.client.isOpen()).isTrue();
  }

  @Test
  void manyWritesArriveInOrder() throws Exception {
    ChannelPair p = pair();
    RecordingChannelHandler server = new RecordingChannelHandler();
    p.server.start(server);
    p.client.start(new RecordingChannelHandler());
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (int i = 0; i < 5_000; i++) {
      expected.writeBytes(("message-" + i + ";").getBytes(StandardCharsets.US_ASCII));
    }
    onLoop(p.client, () -> {
      for (int i = 0; i < 5_000; i++) {
        ByteBuf b = p.client.alloc().buffer();
        b.writeCharSequence("message-" + i + ";", StandardCharsets.US_ASCII);
        p.client.write(b);
        if (i % 100 == 99) {
          p.client.flush();
        }
      }
      p.client.flush();
    });
    awaitReceived(server, expected.size());
    assertThat(server.bytes()).isEqualTo(expected.toByteArray());
  }

  @Test
  void pausedReadsHoldThePeersBytesBackUntilResumedThenEverythingArrivesInOrder() throws Exception {
    ChannelPair p = pair();
    RecordingChannelHandler server = new RecordingChannelHandler();
    p.server.start(server);
    p.client.start(new RecordingChannelHandler());
    onLoop(p.server, () -> p.server.setReadsPaused(true));
    onLoop(p.server, () -> p.server.setReadsPaused(true)); // idempotent
    byte[] data = randomBytes(8 << 20, 3);
    writeAll(p.client, data, 64 * 1024);

    // Unpaused, 8 MiB crosses any of these paths in well under this window.
    Awaitility.await().during(Duration.ofMillis(500)).atMost(WAIT)
        .until(() -> server.received.get() < data.length);
    onLoop(p.server, () -> p.server.setReadsPaused(false));
    awaitReceived(server, data.length);
    assertThat(server.bytes()).isEqualTo(data);
  }

  @Test
  void bothDirectionsFlowAtOnce() throws Exception {
    ChannelPair p = pair();
    RecordingChannelHandler server = new RecordingChannelHandler();
    RecordingChannelHandler client = new RecordingChannelHandler();
    p.server.start(server);
    p.client.start(client);
    byte[] up = randomBytes(4 << 20, 1);
    byte[] down = randomBytes(4 << 20, 2);
    Thread t = new Thread(() -> {
      try {
        writeAll(p.server, down, 32 * 1024);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    t.start();
    writeAll(p.client, up, 32 * 1024);
    t.join(30_000);
    awaitReceived(server, up.length);
    awaitReceived(client, down.length);
    assertThat(Arrays.equals(server.bytes(), up)).isTrue();
    assertThat(Arrays.equals(client.bytes(), down)).isTrue();
  }

  @Test
  void sixteenMebibytesArriveIntact() throws Exception {
    ChannelPair p = pair();
    RecordingChannelHandler server = new RecordingChannelHandler();
    p.server.start(server);
    p.client.start(new RecordingChannelHandler());
    byte[] data = randomBytes(16 << 20, 3);
    writeAll(p.client, data, 1 << 20);
    awaitReceived(server, data.length);
    assertThat(server.received.get()).isEqualTo(data.length);
    assertThat(Arrays.equals(server.bytes(), data)).isTrue();
  }

  @Test
  void writabilityTurnsFalseWhenPeerStopsReadingAndTrueWhenItResumes() throws Exception {
    ChannelPair p = pair(ChannelOptions.defaults().withWatermarks(32 * 1024, 64 * 1024));
    RecordingChannelHandler client = new RecordingChannelHandler();
    p.client.start(client);
    // The server is not started yet, so it does not read: kernel buffers fill, then the client's own buffer.
    AtomicLong written = new AtomicLong();
    Awaitility.await().atMost(WAIT).until(() -> onLoop(p.client, () -> {
      for (int i = 0; i < 64 && p.client.isWritable(); i++) {
        ByteBuf b = p.client.alloc().buffer(16 * 1024);
        b.writeZero(16 * 1024);
        p.client.write(b);
        p.client.flush();
        written.addAndGet(16 * 1024);
      }
      return !p.client.isWritable();
    }));
    assertThat(client.writability).contains(false);
    RecordingChannelHandler server = new RecordingChannelHandler(false);
    p.server.start(server);
    client.becameWritable.get(30, TimeUnit.SECONDS);
    assertThat(p.client.isWritable()).isTrue();
    awaitReceived(server, written.get());
    assertThat(server.received.get()).isEqualTo(written.get());
  }

  @Test
  void orderlyCloseReportsNullCauseOnBothSides() throws Exception {
    ChannelPair p = pair();
    RecordingChannelHandler server = new RecordingChannelHandler();
    RecordingChannelHandler client = new RecordingChannelHandler();
    p.server.start(server);
    p.client.start(client);
    p.client.close().get(10, TimeUnit.SECONDS);
    assertThat(client.closed.get(10, TimeUnit.SECONDS)).isNull();
    assertThat(server.closed.get(10, TimeUnit.SECONDS)).isNull();
    p.server.closeFuture().get(10, TimeUnit.SECONDS);
    assertThat(p.client.isOpen()).isFalse();
    assertThat(p.server.isOpen()).isFalse();
  }

  @Test
  void closeFlushesWhatWasWrittenBefore() throws Exception {
    ChannelPair p = pair();
    RecordingChannelHandler server = new RecordingChannelHandler();
    p.server.start(server);
    p.client.start(new RecordingChannelHandler());
    byte[] data = randomBytes(2 << 20, 4);
    onLoop(p.client, () -> {
      ByteBuf b = p.client.alloc().buffer(data.length);
      b.writeBytes(data);
      p.client.write(b);
      p.client.close(); // no explicit flush: close must flush
    });
    assertThat(server.closed.get(30, TimeUnit.SECONDS)).isNull();
    assertThat(Arrays.equals(server.bytes(), data)).isTrue();
  }

  @Test
  void abortReportsItsCauseAndClosesThePeer() throws Exception {
    ChannelPair p = pair();
    RecordingChannelHandler server = new RecordingChannelHandler();
    RecordingChannelHandler client = new RecordingChannelHandler();
    p.server.start(server);
    p.client.start(client);
    IOException boom = new IOException("boom");
    p.client.abort(boom);
    assertThat(client.closed.get(10, TimeUnit.SECONDS)).isSameAs(boom);
    Throwable peerCause = server.closed.get(10, TimeUnit.SECONDS);
    if (peerSeesAbortAsError()) {
      assertThat(peerCause).isInstanceOf(IOException.class);
    }
    assertThat(p.server.isOpen()).isFalse();
  }

  @Test
  void closeIsIdempotentAndReportsOnce() throws Exception {
    ChannelPair p = pair();
    RecordingChannelHandler client = new RecordingChannelHandler();
    p.server.start(new RecordingChannelHandler());
    p.client.start(client);
    p.client.close();
    p.client.close();
    p.client.close().get(10, TimeUnit.SECONDS);
    p.client.abort(new IOException("late"));
    p.client.close();
    assertThat(client.closed.get(10, TimeUnit.SECONDS)).isNull();
    // Give any stray second report a chance to show up: round-trip through the executor twice.
    onLoop(p.client, () -> {});
    onLoop(p.client, () -> {});
    assertThat(client.closedCalls.get()).isEqualTo(1);
  }

  @Test
  void closeBeforeStartStillReportsClosedOnce() throws Exception {
    ChannelPair p = pair();
    p.client.close().get(10, TimeUnit.SECONDS);
    assertThat(p.client.isOpen()).isFalse();
    RecordingChannelHandler client = new RecordingChannelHandler();
    p.client.start(client);
    assertThat(client.closed.get(10, TimeUnit.SECONDS)).isNull();
    onLoop(p.client, () -> {});
    assertThat(client.closedCalls.get()).isEqualTo(1);
    p.server.start(new RecordingChannelHandler());
  }

  @Test
  void abortCutsAGracefulCloseShort() throws Exception {
    ChannelPair p = pair(ChannelOptions.defaults().withWatermarks(32 * 1024, 64 * 1024));
    RecordingChannelHandler client = new RecordingChannelHandler();
    p.client.start(client);
    // The server does not read, so a graceful close with a large unflushed write cannot finish on its own.
    byte[] data = randomBytes(32 << 20, 5);
    onLoop(p.client, () -> {
      ByteBuf b = p.client.alloc().buffer(data.length);
      b.writeBytes(data);
      p.client.write(b);
      p.client.close();
    });
    IOException cause = new IOException("give up");
    p.client.abort(cause);
    Throwable reported = client.closed.get(10, TimeUnit.SECONDS);
    if (gracefulCloseWaitsForASlowPeer()) {
      assertThat(reported).isSameAs(cause);
    }
    assertThat(client.closedCalls.get()).isEqualTo(1);
    p.server.start(new RecordingChannelHandler(false));
  }

  @Test
  void startTwiceIsRejected() throws Exception {
    ChannelPair p = pair();
    p.client.start(new RecordingChannelHandler());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.client.start(new RecordingChannelHandler()))
        .isInstanceOf(IllegalStateException.class);
    p.server.start(new RecordingChannelHandler());
  }

  @Test
  void peerCloseCompletesCloseFuture() throws Exception {
    ChannelPair p = pair();
    p.server.start(new RecordingChannelHandler());
    p.client.start(new RecordingChannelHandler());
    p.server.close();
    p.client.closeFuture().get(10, TimeUnit.SECONDS);
    assertThat(p.client.isOpen()).isFalse();
  }

  @Test
  void writeAfterCloseReleasesTheBuffer() throws Exception {
    ChannelPair p = pair();
    p.server.start(new RecordingChannelHandler());
    p.client.start(new RecordingChannelHandler());
    p.client.close().get(10, TimeUnit.SECONDS);
    ByteBuf b = p.client.alloc().buffer(8).writeLong(42);
    onLoop(p.client, () -> {
      p.client.write(b);
      p.client.flush();
    });
    assertThat(b.refCnt()).isZero();
  }
}
