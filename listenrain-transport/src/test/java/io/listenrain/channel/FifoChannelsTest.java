package io.listenrain.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What is particular to FIFO channels: bad paths, a peer that never comes, a peer process killed with SIGKILL, and
 * the files and threads left afterwards.
 */
class FifoChannelsTest {
  private FifoDir dir;
  private Process peer;

  @AfterEach
  void cleanUp() throws Exception {
    if (peer != null) {
      peer.destroyForcibly();
      peer.waitFor(10, TimeUnit.SECONDS);
    }
    if (dir != null) {
      dir.close();
      assertThat(dir.dir).doesNotExist(); // no FIFO, log or directory left behind
    }
  }

  private static long openThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> t.getName().startsWith("listenrain-fifo-open-"))
        .count();
  }

  private static Throwable failure(CompletableFuture<Channel> f) throws Exception {
    try {
      f.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("opened: " + f.get());
  }

  @Test
  void aRegularFileIsATypedErrorAndIsLeftUntouched() throws Exception {
    dir = FifoDir.create("fifo");
    Path file = Files.writeString(dir.path("plain"), "keep me", StandardCharsets.UTF_8);
    Throwable asRead = failure(Channels.fifo(file, dir.path("fifo")));
    Throwable asWrite = failure(Channels.fifo(dir.path("fifo"), file));
    assertThat(asRead).isInstanceOf(NotAFifoException.class).hasMessageContaining("plain")
        .hasMessageContaining("regular file");
    assertThat(asWrite).isInstanceOf(NotAFifoException.class);
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo("keep me");
  }

  @Test
  void aDirectoryOrASocketIsATypedError() throws Exception {
    dir = FifoDir.create("fifo");
    Path sub = Files.createDirectory(dir.path("sub"));
    assertThat(failure(Channels.fifo(sub, dir.path("fifo")))).isInstanceOf(NotAFifoException.class)
        .hasMessageContaining("directory");
    Path sock = dir.path("sock");
    try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      s.bind(UnixDomainSocketAddress.of(sock));
      assertThat(failure(Channels.fifo(sock, dir.path("fifo")))).isInstanceOf(NotAFifoException.class)
          .hasMessageContaining("file type 140000");
    }
  }

  @Test
  void aMissingPathIsNoSuchFile() throws Exception {
    dir = FifoDir.create("fifo");
    assertThat(failure(Channels.fifo(dir.path("missing"), dir.path("fifo")))).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void createFifoRefusesAnExistingPath() throws Exception {
    dir = FifoDir.create("fifo");
    assertThatThrownBy(() -> Channels.createFifo(dir.path("fifo"))).hasMessageContaining("mkfifo")
        .hasMessageContaining("exists");
  }

  @Test
  void theGeneratorReportsABadPathAsANonRetryableConnectException() throws Exception {
    dir = FifoDir.create("fifo");
    Path file = Files.writeString(dir.path("plain"), "x", StandardCharsets.UTF_8);
    try (ChannelGenerator g = Channels.fifoGenerator(file, dir.path("fifo"), ChannelOptions.defaults())) {
      Throwable cause = failure(g.connect());
      assertThat(cause).isInstanceOf(ConnectException.class).hasCauseInstanceOf(NotAFifoException.class);
      assertThat(((ConnectException) cause).isRetryable()).isFalse();
    }
  }

  @Test
  void closingTheGeneratorFailsAPendingConnectAndReleasesItsOpens() throws Exception {
    dir = FifoDir.create("a", "b");
    long before = openThreads();
    ChannelGenerator g = Channels.fifoGenerator(dir.path("a"), dir.path("b"), ChannelOptions.defaults());
    CompletableFuture<Channel> pending = g.connect();
    g.close();
    assertThat(failure(pending)).isInstanceOf(ChannelClosedException.class);
    assertThat(failure(g.connect())).isInstanceOf(ChannelClosedException.class);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> openThreads() <= before);
  }

  @Test
  void aPeerThatNeverOpensFailsWithinTheConnectTimeoutAndReleasesTheBlockedOpens() throws Exception {
    dir = FifoDir.create("a", "b");
    long before = openThreads();
    long start = System.nanoTime();
    Throwable cause = failure(Channels.fifo(dir.path("a"), dir.path("b"),
        ChannelOptions.defaults().withConnectTimeout(Duration.ofMillis(300))));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(cause).isInstanceOf(ConnectException.class).hasMessageContaining("within 300 ms");
    assertThat(((ConnectException) cause).isRetryable()).isTrue();
    assertThat(tookMs).isBetween(250L, 5_000L);
    // Both opens were blocked in the kernel; giving up must have released them, not left them hanging.
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> openThreads() <= before);
  }

  @Test
  void aPeerThatOpensOnlyOneEndFailsWithinTheConnectTimeout() throws Exception {
    dir = FifoDir.create("a", "b");
    // The "peer" opens our read end for writing (read-write, so it never blocks) but never opens the other FIFO.
    try (java.nio.channels.FileChannel half = java.nio.channels.FileChannel.open(dir.path("a"),
        java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
      Throwable cause = failure(Channels.fifo(dir.path("a"), dir.path("b"),
          ChannelOptions.defaults().withConnectTimeout(Duration.ofMillis(300))));
      assertThat(cause).isInstanceOf(ConnectException.class);
      assertThat(half.isOpen()).isTrue();
    }
  }

  @Test
  void theSidesMeetWhicheverStartsFirst() throws Exception {
    dir = FifoDir.create("a", "b");
    CompletableFuture<Channel> first = Channels.fifo(dir.path("a"), dir.path("b"));
    assertThat(first).isNotDone(); // no peer yet: nothing to rendezvous with
    Channel second = Channels.fifo(dir.path("b"), dir.path("a")).get(10, TimeUnit.SECONDS);
    Channel one = first.get(10, TimeUnit.SECONDS);
    RecordingChannelHandler h = new RecordingChannelHandler();
    one.start(h);
    second.start(new RecordingChannelHandler());
    AbstractChannelTest.writeAll(second, "hello".getBytes(StandardCharsets.US_ASCII), 5);
    AbstractChannelTest.awaitReceived(h, 5);
    second.close().get(10, TimeUnit.SECONDS);
    assertThat(h.closed.get(10, TimeUnit.SECONDS)).isNull(); // the writer's close is end of stream here
    assertThat(h.bytes()).isEqualTo("hello".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void closeEndsTheReaderThreadEvenWhileThePeerKeepsItsEndOpenAndIdle() throws Exception {
    try (ChannelPair p = ChannelKinds.fifo(ChannelOptions.defaults())) {
      java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
      RecordingChannelHandler h = new RecordingChannelHandler();
      p.client.start(h); // the server is never started: it holds its ends open and never writes
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> readers(before) == 1);
      p.client.close().get(10, TimeUnit.SECONDS);
      assertThat(h.closed.get(10, TimeUnit.SECONDS)).isNull();
      // The reader was blocked in read(2) on an idle FIFO; closing must wake it (a FileInputStream's close would not).
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> readers(before) == 0);
    }
  }

  private static long readers(java.util.Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> !before.contains(t))
        .filter(t -> t.getName().startsWith("listenrain-stream-reader-"))
        .count();
  }

  @Test
  void aPeerProcessKilledWithSigkillClosesBothChannelsWithinABound() throws Exception {
    dir = FifoDir.create("c2r", "r2c", "s2r", "r2s");
    peer = ForkedJvm.start(FifoRelay.class, dir.path("relay.log"), dir.path("c2r").toString(),
        dir.path("r2c").toString(), dir.path("s2r").toString(), dir.path("r2s").toString());
    // Both opened before waiting on either: the relay opens the client's pair only once the server's is open too.
    CompletableFuture<Channel> clientOpen = Channels.fifo(dir.path("r2c"), dir.path("c2r"));
    CompletableFuture<Channel> serverOpen = Channels.fifo(dir.path("r2s"), dir.path("s2r"));
    Channel client = clientOpen.get(20, TimeUnit.SECONDS);
    Channel server = serverOpen.get(20, TimeUnit.SECONDS);
    RecordingChannelHandler c = new RecordingChannelHandler();
    RecordingChannelHandler s = new RecordingChannelHandler();
    client.start(c);
    server.start(s);
    AbstractChannelTest.writeAll(client, "ping".getBytes(StandardCharsets.US_ASCII), 4);
    AbstractChannelTest.awaitReceived(s, 4); // the relay is up and relaying

    long start = System.nanoTime();
    peer.destroyForcibly(); // SIGKILL on Unix: the relay gets no chance to close anything itself
    assertThat(c.closed.get(5, TimeUnit.SECONDS)).isNull(); // the kernel closes its ends: end of stream
    assertThat(s.closed.get(5, TimeUnit.SECONDS)).isNull();
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(tookMs).isLessThan(5_000);
    System.out.println("FIFO peer killed: both channels closed after " + tookMs + " ms");
    assertThat(client.isOpen()).isFalse();
    assertThat(server.isOpen()).isFalse();
    assertThat(peer.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(peer.exitValue()).isEqualTo(137); // 128 + SIGKILL
  }
}
