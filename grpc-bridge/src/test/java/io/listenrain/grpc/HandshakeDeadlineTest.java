package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoServiceGrpc;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Slowloris against the server's handshake deadline, over real loopback sockets: connections that trickle their
 * preface (or their first SETTINGS) are closed at the deadline, on a gRPC-only port and on a port shared with a
 * native protocol, while a normal client's calls keep completing; a first frame announced larger than the
 * handshake limit is refused at once.
 */
class HandshakeDeadlineTest {
  private static final long DEADLINE_MILLIS = 500;

  private Server server;
  private ManagedChannel channel;
  private ExecutorService pool;

  private InetSocketAddress start(boolean shared) throws IOException {
    ListenRainServerBuilder b = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new EchoServiceImpl()).handshakeTimeout(DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
    if (shared) {
      b.addNativeProtocol(new EchoNativeProtocol());
    }
    server = b.build().start();
    InetSocketAddress a = (InetSocketAddress) server.getListenSockets().get(0);
    channel = ListenRainChannelBuilder.forSocketAddress(a).usePlaintext().build();
    return a;
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    if (pool != null) {
      pool.shutdownNow();
    }
    TestShutdown.shutdownNow(channel, server);
  }

  @Test
  void twoHundredTricklersAreClosedAtTheDeadlineWhileANormalClientIsServed() throws Exception {
    InetSocketAddress a = start(false);
    long[] closedAfter = trickle(a, 200, Wire.PREFACE, 100);
    report("grpc port", closedAfter);
  }

  @Test
  void tricklersOnAPortSharedWithANativeProtocolAreClosedAtTheDeadline() throws Exception {
    InetSocketAddress a = start(true);
    long[] closedAfter = trickle(a, 50, Wire.PREFACE, 100);
    report("shared port", closedAfter);
  }

  @Test
  void aPrefaceFollowedByATrickledSettingsFrameIsClosedAtTheDeadline() throws Exception {
    InetSocketAddress a = start(false);
    byte[] settings = new byte[4 + 6 + Settings.encodedLength()];
    ByteBuf f = FrameWriter.settings(HostileClient.ALLOC, new TransportConfig().localSettings());
    try {
      settings[3] = (byte) f.readableBytes();
      f.readBytes(settings, 4, f.readableBytes());
    } finally {
      f.release();
    }
    byte[] bytes = new byte[Wire.PREFACE_LENGTH + settings.length];
    System.arraycopy(Wire.PREFACE, 0, bytes, 0, Wire.PREFACE_LENGTH);
    System.arraycopy(settings, 0, bytes, Wire.PREFACE_LENGTH, settings.length);
    // The preface at once, then one byte of SETTINGS every 100 ms: 46 bytes would take 4.6 s.
    long[] closedAfter = trickle(a, 20, bytes, 100, Wire.PREFACE_LENGTH);
    report("trickled SETTINGS", closedAfter);
  }

  @Test
  void aFirstFrameAnnouncedLargerThanTheHandshakeLimitIsRefusedAtOnce() throws Exception {
    InetSocketAddress a = start(false);
    try (HostileClient c = new HostileClient(a, 0)) {
      long start = System.nanoTime();
      c.raw(Wire.PREFACE).raw(new byte[] {0, 0x10, 0, 0, Wire.SETTINGS}).flush(); // a 1 MiB "SETTINGS", trickled
      assertThat(c.awaitClosed(5_000)).isTrue();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(DEADLINE_MILLIS);
    }
  }

  private long[] trickle(InetSocketAddress a, int count, byte[] bytes, long everyMillis) throws Exception {
    return trickle(a, count, bytes, everyMillis, 0);
  }

  /**
   * Opens {@code count} sockets, writes {@code firstBurst} bytes of {@code bytes} at once and then one more byte
   * to each every {@code everyMillis}, while another thread makes echo calls; returns when each socket was closed
   * by the server, in milliseconds after it connected ({@code -1}: never). Asserts the normal calls' p99.
   */
  private long[] trickle(InetSocketAddress a, int count, byte[] bytes, long everyMillis, int firstBurst)
      throws Exception {
    pool = Executors.newSingleThreadExecutor();
    AtomicBoolean running = new AtomicBoolean(true);
    EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(channel);
    EchoRequest req = EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8("ok")).build();
    stub.withDeadlineAfter(20, TimeUnit.SECONDS).echo(req); // connected before the attack
    Future<List<Long>> latencies = pool.submit(() -> {
      List<Long> l = new ArrayList<>();
      while (running.get()) {
        long t = System.nanoTime();
        stub.withDeadlineAfter(20, TimeUnit.SECONDS).echo(req);
        l.add(System.nanoTime() - t);
      }
      return l;
    });

    long[] closedAfter = new long[count];
    Arrays.fill(closedAfter, -1);
    long[] connectedAt = new long[count];
    int[] written = new int[count];
    try (Selector selector = Selector.open()) {
      SocketChannel[] socks = new SocketChannel[count];
      for (int i = 0; i < count; i++) {
        socks[i] = SocketChannel.open(a);
        connectedAt[i] = System.nanoTime();
        socks[i].configureBlocking(false);
        socks[i].register(selector, SelectionKey.OP_READ, i);
        if (firstBurst > 0) {
          socks[i].write(ByteBuffer.wrap(bytes, 0, firstBurst));
          written[i] = firstBurst;
        }
      }
      int open = count;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      long nextTrickle = System.nanoTime();
      ByteBuffer sink = ByteBuffer.allocate(4096);
      while (open > 0 && System.nanoTime() < end) {
        if (System.nanoTime() >= nextTrickle) {
          for (int i = 0; i < count; i++) {
            if (closedAfter[i] < 0 && written[i] < bytes.length) {
              try {
                socks[i].write(ByteBuffer.wrap(bytes, written[i]++, 1));
              } catch (IOException reset) {
                // seen as closed by the read below
              }
            }
          }
          nextTrickle += TimeUnit.MILLISECONDS.toNanos(everyMillis);
        }
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextTrickle - System.nanoTime())));
        for (SelectionKey k : selector.selectedKeys()) {
          int i = (Integer) k.attachment();
          int n;
          try {
            sink.clear();
            n = socks[i].read(sink);
          } catch (IOException reset) {
            n = -1;
          }
          if (n < 0 && closedAfter[i] < 0) {
            closedAfter[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectedAt[i]);
            k.cancel();
            open--;
          }
        }
        selector.selectedKeys().clear();
      }
      for (SocketChannel s : socks) {
        s.close();
      }
    }
    running.set(false);
    List<Long> l = latencies.get(20, TimeUnit.SECONDS);
    assertThat(l).isNotEmpty();
    long[] sorted = l.stream().mapToLong(Long::longValue).sorted().toArray();
    long p99 = TimeUnit.NANOSECONDS.toMillis(sorted[(int) Math.min(sorted.length - 1, sorted.length * 0.99)]);
    System.out.printf(Locale.ROOT, "%d normal calls during the attack, p99 %d ms%n", sorted.length, p99);
    assertThat(p99).isLessThan(1_000);

    assertThat(Arrays.stream(closedAfter).boxed().toList())
        .allSatisfy(ms -> assertThat(ms).isBetween(DEADLINE_MILLIS - 50, DEADLINE_MILLIS + 3_000));
    return closedAfter;
  }

  private static void report(String what, long[] closedAfter) {
    long[] s = closedAfter.clone();
    Arrays.sort(s);
    System.out.printf(Locale.ROOT,
        "%s: %d tricklers closed after %d..%d ms (median %d), deadline %d ms%n", what, s.length, s[0],
        s[s.length - 1], s[s.length / 2], DEADLINE_MILLIS);
  }
}
