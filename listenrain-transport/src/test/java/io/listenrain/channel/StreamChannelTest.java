package io.listenrain.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The channel conformance suite over the stream adapter, on the streams of a loopback socket pair (closing a stream
 * closes the socket normally, so the peer sees an orderly end rather than a reset), plus what is particular to
 * streams: end of input, stream errors, and threads that end with the channel.
 */
class StreamChannelTest extends AbstractChannelTest {
  @Override
  protected ChannelPair connect(ChannelOptions options) throws Exception {
    return ChannelKinds.streams(options);
  }

  @Override
  protected String kind() {
    return "stream";
  }

  private static Set<String> streamThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("listenrain-stream-reader-") || n.startsWith("listenrain-stream-writer-"))
        .collect(Collectors.toSet());
  }

  /** The reader and writer threads started since {@code before}: waits until both are up. */
  private static Set<String> newThreads(Set<String> before) {
    Set<String> mine = new HashSet<>();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
      mine.clear();
      mine.addAll(streamThreads());
      mine.removeAll(before);
      return mine.size() == 2;
    });
    return mine;
  }

  @Test
  void endOfInputIsAnOrderlyCloseAfterTheBytes() throws Exception {
    byte[] data = "hello, stream".getBytes(StandardCharsets.UTF_8);
    Channel ch = Channels.fromStreams(new ByteArrayInputStream(data), OutputStream.nullOutputStream());
    RecordingChannelHandler h = new RecordingChannelHandler();
    ch.start(h);
    assertThat(h.closed.get(10, TimeUnit.SECONDS)).isNull();
    assertThat(h.bytes()).isEqualTo(data);
    ch.closeFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void readErrorClosesWithThatCause() throws Exception {
    IOException failure = new IOException("line dropped");
    InputStream broken = new InputStream() {
      @Override
      public int read() throws IOException {
        throw failure;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        throw failure;
      }
    };
    Channel ch = Channels.fromStreams(broken, OutputStream.nullOutputStream());
    RecordingChannelHandler h = new RecordingChannelHandler();
    ch.start(h);
    assertThat(h.closed.get(10, TimeUnit.SECONDS)).isSameAs(failure);
  }

  @Test
  void writeErrorClosesWithThatCause() throws Exception {
    IOException failure = new IOException("disk full");
    OutputStream broken = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw failure;
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        throw failure;
      }
    };
    PipedInputStream in = new PipedInputStream(new PipedOutputStream());
    Channel ch = Channels.fromStreams(in, broken);
    RecordingChannelHandler h = new RecordingChannelHandler();
    ch.start(h);
    onLoop(ch, () -> {
      ch.write(ch.alloc().buffer().writeInt(7));
      ch.flush();
    });
    assertThat(h.closed.get(10, TimeUnit.SECONDS)).isSameAs(failure);
  }

  @Test
  void threadsEndWhenTheChannelClosesOverBlockingPipes() throws Exception {
    Set<String> before = streamThreads();
    PipedOutputStream toChannel = new PipedOutputStream();
    PipedInputStream in = new PipedInputStream(toChannel, 64 * 1024);
    PipedInputStream fromChannel = new PipedInputStream(64 * 1024);
    PipedOutputStream out = new PipedOutputStream(fromChannel);
    Channel ch = Channels.fromStreams(in, out);
    RecordingChannelHandler h = new RecordingChannelHandler();
    ch.start(h);
    toChannel.write("ping".getBytes(StandardCharsets.US_ASCII));
    toChannel.flush();
    awaitReceived(h, 4);
    assertThat(h.bytes()).isEqualTo("ping".getBytes(StandardCharsets.US_ASCII));
    Set<String> mine = newThreads(before);
    // The reader is blocked on an idle pipe; close must still end it.
    ch.close().get(10, TimeUnit.SECONDS);
    assertThat(h.closed.get(10, TimeUnit.SECONDS)).isNull();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Collections.disjoint(streamThreads(), mine));
  }

  @Test
  void threadsEndAfterAbortWithAWriterBlockedOnAFullPipe() throws Exception {
    Set<String> before = streamThreads();
    PipedInputStream in = new PipedInputStream(new PipedOutputStream());
    PipedInputStream neverRead = new PipedInputStream(1024);
    Channel ch = Channels.fromStreams(in, new PipedOutputStream(neverRead));
    RecordingChannelHandler h = new RecordingChannelHandler();
    ch.start(h);
    Set<String> mine = newThreads(before);
    onLoop(ch, () -> {
      ch.write(ch.alloc().buffer(64 * 1024).writeZero(64 * 1024));
      ch.flush();
    });
    IOException cause = new IOException("stop");
    ch.abort(cause);
    assertThat(h.closed.get(10, TimeUnit.SECONDS)).isSameAs(cause);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Collections.disjoint(streamThreads(), mine));
  }
}
