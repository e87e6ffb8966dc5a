package io.listenrain.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelHandler;
import io.listenrain.channel.ChannelOptions;
import io.listenrain.channel.ChannelPair;
import io.listenrain.codec.FrameTooLargeException;
import io.listenrain.codec.LengthPrefixedPacketCodec;
import io.listenrain.codec.PacketCodec;
import io.listenrain.errors.ConnectionClosedException;
import io.listenrain.errors.QueueFullException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite for {@link Connection} with the default {@link LengthPrefixedPacketCodec}, run over every
 * channel kind: ordering, large packets, arbitrary splits, back-pressure, graceful close, abort, and hostile peers.
 */
public abstract class AbstractConnectionTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final PacketCodec CODEC = LengthPrefixedPacketCodec.defaultCodec();

  private ChannelPair pair;

  /** A connected, unstarted channel pair of this kind. */
  protected abstract ChannelPair connect(ChannelOptions options) throws Exception;


  private ChannelPair pair(ChannelOptions options) throws Exception {
    pair = connect(options);
    return pair;
  }

  @AfterEach
  void closePair() throws Exception {
    if (pair != null) {
      pair.close();
      pair.client.closeFuture().get(10, TimeUnit.SECONDS);
      pair.server.closeFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static ByteBuf ascii(Connection c, String s) {
    ByteBuf b = c.alloc().buffer(s.length());
    b.writeCharSequence(s, StandardCharsets.US_ASCII);
    return b;
  }

  private static void awaitPackets(RecordingPacketHandler h, int n) {
    Awaitility.await().atMost(WAIT).until(() -> h.packets.size() >= n);
  }

  /** A raw handler for the hostile side of a test: drops what it reads, remembers the close. */
  private static final class RawHandler implements ChannelHandler {
    final CompletableFuture<Throwable> closed = new CompletableFuture<>();

    @Override
    public void channelRead(ByteBuf data) {
      data.release();
    }

    @Override
    public void channelClosed(Throwable cause) {
      closed.complete(cause);
    }
  }

  private static void writeRaw(Channel ch, byte[] bytes, int[] cuts) throws Exception {
    ch.executor().submit(() -> {
      int from = 0;
      for (int i = 0; i <= cuts.length; i++) {
        int to = i < cuts.length ? cuts[i] : bytes.length;
        ch.write(ch.alloc().buffer(Math.max(1, to - from)).writeBytes(bytes, from, to - from));
        ch.flush();
        from = to;
      }
    }).get(30, TimeUnit.SECONDS);
  }

  @Test
  void manyPacketsArriveInOrder() throws Exception {
    ChannelPair p = pair(ChannelOptions.defaults());
    RecordingPacketHandler server = new RecordingPacketHandler();
    Connection.open(p.server, CODEC, PacketQueues.bounded(1024), server);
    Connection client = Connection.open(p.client, CODEC, PacketQueues.bounded(16_384), new RecordingPacketHandler());
    int n = 10_000;
    for (int i = 0; i < n; i++) {
      client.send(ascii(client, "packet-" + i));
    }
    awaitPackets(server, n);
    for (int i = 0; i < n; i++) {
      assertThat(new String(server.packets.get(i), StandardCharsets.US_ASCII)).isEqualTo("packet-" + i);
    }
  }

  @Test
  void compositePayloadsArriveByteExactWhateverTheirShape() throws Exception {
    ChannelPair p = pair(ChannelOptions.defaults());
    RecordingPacketHandler server = new RecordingPacketHandler();
    Connection.open(p.server, CODEC, PacketQueues.bounded(64), server);
    Connection client = Connection.open(p.client, CODEC, PacketQueues.bounded(64), new RecordingPacketHandler());
    List<byte[]> expected = new ArrayList<>();
    // Header + body, as a message codec builds them: written as components.
    CompositeByteBuf two = client.alloc().compositeDirectBuffer(2);
    ByteBuf body = ascii(client, "body-of-the-message");
    two.addComponent(true, ascii(client, "hdr:"));
    two.addComponent(true, body.retainedSlice(5, 9));
    body.release(); // the slice holds the body now
    expected.add("hdr:of-the-me".getBytes(StandardCharsets.US_ASCII));
    // Partly read already: written whole, from its reader index.
    CompositeByteBuf read = client.alloc().compositeBuffer(2);
    read.addComponents(true, ascii(client, "skip"), ascii(client, "kept"));
    read.skipBytes(4);
    expected.add("kept".getBytes(StandardCharsets.US_ASCII));
    // An empty component in the middle, and more components than are split.
    CompositeByteBuf many = client.alloc().compositeBuffer(8);
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < Connection.MAX_SPLIT_COMPONENTS + 2; i++) {
      many.addComponent(true, ascii(client, i == 1 ? "" : "c" + i));
      all.append(i == 1 ? "" : "c" + i);
    }
    expected.add(all.toString().getBytes(StandardCharsets.US_ASCII));
    CompositeByteBuf withEmpty = client.alloc().compositeBuffer(3);
    withEmpty.addComponents(true, ascii(client, "a"), ascii(client, ""), ascii(client, "b"));
    expected.add("ab".getBytes(StandardCharsets.US_ASCII));
    client.send(two);
    client.send(read);
    client.send(many);
    client.send(withEmpty);
    awaitPackets(server, expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(new String(server.packets.get(i), StandardCharsets.US_ASCII))
          .isEqualTo(new String(expected.get(i), StandardCharsets.US_ASCII));
    }
    assertThat(two.refCnt()).isZero();
    assertThat(read.refCnt()).isZero();
    assertThat(many.refCnt()).isZero();
    assertThat(withEmpty.refCnt()).isZero();
  }

  @Test
  void aSixteenMebibytePacketArrivesIntact() throws Exception {
    ChannelPair p = pair(ChannelOptions.defaults());
    RecordingPacketHandler server = new RecordingPacketHandler();
    Connection.open(p.server, CODEC, PacketQueues.bounded(16), server);
    Connection client = Connection.open(p.client, CODEC, PacketQueues.bounded(16), new RecordingPacketHandler());
    byte[] big = new byte[LengthPrefixedPacketCodec.DEFAULT_MAX_PAYLOAD_LENGTH];
    new Random(11).nextBytes(big);
    client.send(client.alloc().buffer(big.length).writeBytes(big));
    client.send(ascii(client, "after"));
    awaitPackets(server, 2);
    assertThat(Arrays.equals(server.packets.get(0), big)).isTrue();
    assertThat(server.packets.get(1)).isEqualTo("after".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void packetsSplitAtArbitraryBoundariesDecodeTheSame() throws Exception {
    ChannelPair p = pair(ChannelOptions.defaults());
    RecordingPacketHandler server = new RecordingPacketHandler();
    Connection.open(p.server, CODEC, PacketQueues.bounded(16), server);
    p.client.start(new RawHandler());
    long seed = Long.getLong("listenrain.test.seed", System.nanoTime());
    Random r = new Random(seed);
    List<byte[]> sent = new ArrayList<>();
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (int i = 0; i < 300; i++) {
      byte[] payload = new byte[i % 10 == 0 ? 0 : r.nextInt(i % 3 == 0 ? 3000 : 50)];
      r.nextBytes(payload);
      sent.add(payload);
      wire.writeBytes(new byte[] {
          (byte) (payload.length >>> 24), (byte) (payload.length >>> 16), (byte) (payload.length >>> 8),
          (byte) payload.length});
      wire.writeBytes(payload);
    }
    byte[] bytes = wire.toByteArray();
    int[] cuts = r.ints(400, 1, bytes.length).distinct().sorted().toArray();
    writeRaw(p.client, bytes, cuts);
    awaitPackets(server, sent.size());
    for (int i = 0; i < sent.size(); i++) {
      assertThat(server.packets.get(i)).as("seed %d packet %d (rerun with -Dlistenrain.test.seed=%d)", seed, i, seed)
          .isEqualTo(sent.get(i));
    }
  }

  @Test
  void aFullQueueRefusesWithQueueFullException() throws Exception {
    ChannelPair p = pair(ChannelOptions.defaults());
    RecordingPacketHandler server = new RecordingPacketHandler();
    Connection.open(p.server, CODEC, PacketQueues.bounded(16), server);
    Connection client = Connection.open(p.client, CODEC, PacketQueues.bounded(8), new RecordingPacketHandler());
    ByteBuf refused = client.alloc().buffer(4).writeInt(99);
    // On the I/O thread no drain can run in between, so the ninth send finds the queue full.
    client.executor().submit(() -> {
      for (int i = 0; i < 8; i++) {
        client.send(ascii(client, "q" + i));
      }
      assertThatThrownBy(() -> client.send(refused)).isInstanceOf(QueueFullException.class);
      ByteBuf kept = ascii(client, "x");
      try {
        assertThat(client.trySend(kept)).as("trySend on a full queue").isFalse();
        assertThat(kept.refCnt()).as("a refused trySend leaves the payload with the caller").isOne();
      } finally {
        kept.release();
      }
    }).get(10, TimeUnit.SECONDS);
    assertThat(refused.refCnt()).as("a refused send releases the payload").isZero();
    assertThat(client.rejectedSends()).isEqualTo(2);
    awaitPackets(server, 8);
    assertThat(server.packets.get(7)).isEqualTo("q7".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void gracefulCloseDeliversEverythingQueuedThenCloses() throws Exception {
    ChannelPair p = pair(ChannelOptions.defaults());
    RecordingPacketHandler server = new RecordingPacketHandler();
    RecordingPacketHandler clientHandler = new RecordingPacketHandler();
    Connection.open(p.server, CODEC, PacketQueues.bounded(16), server);
    Connection client = Connection.open(p.client, CODEC, PacketQueues.bounded(4096), clientHandler);
    for (int i = 0; i < 2000; i++) {
      client.send(ascii(client, "m" + i));
    }
    client.close();
    ByteBuf late = client.alloc().buffer(1).writeByte(1);
    assertThatThrownBy(() -> client.send(late)).isInstanceOf(ConnectionClosedException.class);
    assertThat(late.refCnt()).isZero();
    assertThat(server.closed.get(30, TimeUnit.SECONDS)).isNull();
    assertThat(server.packets).hasSize(2000);
    assertThat(server.packets.get(1999)).isEqualTo("m1999".getBytes(StandardCharsets.US_ASCII));
    assertThat(clientHandler.closed.get(10, TimeUnit.SECONDS)).isNull();
    assertThat(client.isOpen()).isFalse();
  }

  @Test
  void sendsRacingWithCloseAreDeliveredInOrderOrReleasedNeverLeaked() throws Exception {
    ChannelPair p = pair(ChannelOptions.defaults());
    RecordingPacketHandler server = new RecordingPacketHandler();
    Connection.open(p.server, CODEC, PacketQueues.bounded(16), server);
    Connection client = Connection.open(p.client, CODEC, PacketQueues.bounded(512), new RecordingPacketHandler());
    int threads = 3;
    int perThread = 3000;
    List<ByteBuf> payloads = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.CountDownLatch halfway = new java.util.concurrent.CountDownLatch(threads);
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread th = new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          if (i == perThread / 2) {
            halfway.countDown();
          }
          ByteBuf b = client.alloc().buffer(8).writeInt(id).writeInt(i);
          payloads.add(b);
          try {
            client.send(b);
          } catch (QueueFullException | ConnectionClosedException refused) {
            // Refused sends released the payload; keep going to race with the close.
          }
        }
      });
      th.start();
      senders.add(th);
    }
    halfway.await(30, TimeUnit.SECONDS);
    client.close();
    for (Thread th : senders) {
      th.join(30_000);
    }
    assertThat(server.closed.get(30, TimeUnit.SECONDS)).isNull();
    assertThat(payloads).hasSize(threads * perThread).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    int[] last = {-1, -1, -1};
    for (byte[] packet : server.packets) {
      java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(packet);
      int id = bb.getInt();
      int seq = bb.getInt();
      assertThat(seq).as("per-sender order").isGreaterThan(last[id]);
      last[id] = seq;
    }
    assertThat(server.packets.size()).isLessThanOrEqualTo(threads * perThread);
  }

  @Test
  void abortFailsFastAndReleasesWhatIsQueued() throws Exception {
    ChannelPair p = pair(ChannelOptions.defaults());
    RecordingPacketHandler clientHandler = new RecordingPacketHandler();
    Connection.open(p.server, CODEC, PacketQueues.bounded(16), new RecordingPacketHandler());
    Connection client = Connection.open(p.client, CODEC, PacketQueues.bounded(4096), clientHandler);
    List<ByteBuf> payloads = new ArrayList<>();
    IOException cause = new IOException("shutting down now");
    client.executor().submit(() -> {
      for (int i = 0; i < 1000; i++) {
        ByteBuf b = ascii(client, "never-" + i);
        payloads.add(b);
        client.send(b);
      }
      client.abort(cause);
    }).get(10, TimeUnit.SECONDS);
    assertThat(clientHandler.closed.get(10, TimeUnit.SECONDS)).isSameAs(cause);
    assertThat(payloads).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    assertThat(client.packetsOut()).isZero();
    assertThat(clientHandler.closedCalls.get()).isEqualTo(1);
  }

  @Test
  void aHostilePeerDeclaringAHugeFrameIsCutOffAtTheHeader() throws Exception {
    ChannelPair p = pair(ChannelOptions.defaults());
    RecordingPacketHandler server = new RecordingPacketHandler();
    Connection serverConn = Connection.open(p.server, CODEC, PacketQueues.bounded(16), server);
    RawHandler hostile = new RawHandler();
    p.client.start(hostile);
    // Only the header is ever sent: the server must not wait for (or allocate) the 2 GiB body it declares.
    writeRaw(p.client, new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}, new int[0]);
    assertThat(server.closed.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(FrameTooLargeException.class,
        e -> assertThat(e.declaredLength()).isEqualTo(0x7FFFFFFFL));
    assertThat(serverConn.bytesIn()).isEqualTo(4);
    assertThat(server.packets).isEmpty();
    hostile.closed.get(10, TimeUnit.SECONDS);
  }

  @Test
  void bytesAfterACorruptHeaderAreNeverDelivered() throws Exception {
    ChannelPair p = pair(ChannelOptions.defaults());
    RecordingPacketHandler server = new RecordingPacketHandler();
    Connection.open(p.server, CODEC, PacketQueues.bounded(16), server);
    p.client.start(new RawHandler());
    byte[] bad = ByteBufUtil.decodeHexDump("ffffffff" + "00000002" + "6869" + "00000002" + "6869");
    writeRaw(p.client, bad, new int[] {2, 5, 9, 12});
    assertThat(server.closed.get(10, TimeUnit.SECONDS)).isInstanceOf(FrameTooLargeException.class);
    assertThat(server.packets).isEmpty();
    assertThat(server.closedCalls.get()).isEqualTo(1);
  }

  @Test
  void anOversizedSendIsRefusedAndTheConnectionSurvives() throws Exception {
    ChannelPair p = pair(ChannelOptions.defaults());
    RecordingPacketHandler server = new RecordingPacketHandler();
    PacketCodec small = new LengthPrefixedPacketCodec(16);
    Connection.open(p.server, small, PacketQueues.bounded(16), server);
    Connection client = Connection.open(p.client, small, PacketQueues.bounded(16), new RecordingPacketHandler());
    ByteBuf tooBig = client.alloc().buffer(17).writeZero(17);
    assertThatThrownBy(() -> client.send(tooBig)).isInstanceOf(FrameTooLargeException.class);
    assertThat(tooBig.refCnt()).isZero();
    client.send(ascii(client, "still-fine"));
    awaitPackets(server, 1);
    assertThat(client.isOpen()).isTrue();
  }

  @Test
  void countersCountPacketsAndFramedBytes() throws Exception {
    ChannelPair p = pair(ChannelOptions.defaults());
    RecordingPacketHandler server = new RecordingPacketHandler();
    Connection serverConn = Connection.open(p.server, CODEC, PacketQueues.bounded(16), server);
    Connection client = Connection.open(p.client, CODEC, PacketQueues.bounded(16), new RecordingPacketHandler());
    for (int i = 0; i < 10; i++) {
      client.send(ascii(client, "12345"));
    }
    awaitPackets(server, 10);
    Awaitility.await().atMost(WAIT).until(() -> client.packetsOut() == 10);
    assertThat(client.bytesOut()).isEqualTo(90);
    assertThat(serverConn.packetsIn()).isEqualTo(10);
    assertThat(serverConn.bytesIn()).isEqualTo(90);
    assertThat(client.queueDepth()).isZero();
  }

  @Test
  void anUnwritableChannelPausesTheDrainWhichResumesWhenItDrains() throws Exception {
    ChannelPair p = pair(ChannelOptions.defaults().withWatermarks(32 * 1024, 64 * 1024));
    RecordingPacketHandler clientHandler = new RecordingPacketHandler();
    Connection client = Connection.open(p.client, CODEC, PacketQueues.bounded(8192), clientHandler);
    int n = 4000;
    byte[] payload = new byte[16 * 1024];
    for (int i = 0; i < n; i++) {
      ByteBuf b = client.alloc().buffer(payload.length + 4).writeInt(i).writeBytes(payload);
      client.send(b);
    }
    // The server does not read yet: the channel turns unwritable and packets stay queued.
    Awaitility.await().atMost(WAIT).until(() -> clientHandler.writability.contains(false));
    assertThat(client.queueDepth()).isPositive();
    RecordingPacketHandler server = new RecordingPacketHandler();
    Connection.open(p.server, CODEC, PacketQueues.bounded(16), server);
    awaitPackets(server, n);
    for (int i = 0; i < n; i += 997) {
      assertThat(ByteBufUtil.decodeHexDump(ByteBufUtil.hexDump(server.packets.get(i), 0, 4)))
          .isEqualTo(new byte[] {(byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i});
    }
    assertThat(clientHandler.writability).contains(true);
    assertThat(client.queueDepth()).isZero();
  }
}
