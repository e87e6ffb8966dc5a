package io.listenrain.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelAcceptor;
import io.listenrain.channel.ChannelKinds;
import io.listenrain.channel.ChannelOptions;
import io.listenrain.channel.ChannelPair;
import io.listenrain.channel.Channels;
import io.listenrain.channel.InProcessAddress;
import io.listenrain.codec.LengthPrefixedPacketCodec;
import io.listenrain.errors.ConnectionClosedException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConnectionTest {

  static List<SocketAddress> addresses() {
    return List.of(new InetSocketAddress("127.0.0.1", 0), new InProcessAddress("connection-test"));
  }

  @ParameterizedTest
  @MethodSource("addresses")
  void packetsEchoedByPeerArriveInOrder(SocketAddress address) throws Exception {
    ChannelAcceptor acceptor = Channels.listen(address, ch -> Connection.open(ch,
        LengthPrefixedPacketCodec.defaultCodec(), PacketQueues.bounded(1024), new PacketHandler() {
          @Override
          public void packetReceived(Connection c, ByteBuf packet) {
            c.send(packet);
          }

          @Override
          public void connectionClosed(Connection c, Throwable cause) {}
        }));
    try {
      int n = 1000;
      CountDownLatch received = new CountDownLatch(n);
      CountDownLatch closed = new CountDownLatch(1);
      List<String> got = new CopyOnWriteArrayList<>();
      Channel ch = Channels.dial(acceptor.localAddress()).get(5, TimeUnit.SECONDS);
      Connection client = Connection.open(ch, LengthPrefixedPacketCodec.defaultCodec(), PacketQueues.bounded(4096),
          new PacketHandler() {
            @Override
            public void packetReceived(Connection c, ByteBuf packet) {
              got.add(packet.toString(StandardCharsets.UTF_8));
              packet.release();
              received.countDown();
            }

            @Override
            public void connectionClosed(Connection c, Throwable cause) {
              closed.countDown();
            }
          });
      for (int i = 0; i < n; i++) {
        client.send(Unpooled.copiedBuffer("packet-" + i, StandardCharsets.UTF_8));
      }
      assertThat(received.await(10, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < n; i++) {
        assertThat(got.get(i)).isEqualTo("packet-" + i);
      }
      client.close().get(5, TimeUnit.SECONDS);
      assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
    } finally {
      acceptor.close();
    }
  }

  @Test
  void aPacketHandlerThatThrowsClosesTheConnectionWithThatCause() throws Exception {
    try (ChannelPair p = ChannelKinds.pipe(ChannelOptions.defaults())) {
      IllegalStateException bug = new IllegalStateException("handler bug");
      RecordingPacketHandler closedSeen = new RecordingPacketHandler();
      Connection server = Connection.open(p.server, LengthPrefixedPacketCodec.defaultCodec(), PacketQueues.bounded(4),
          new PacketHandler() {
            @Override
            public void packetReceived(Connection c, ByteBuf packet) {
              packet.release();
              throw bug;
            }

            @Override
            public void connectionClosed(Connection c, Throwable cause) {
              closedSeen.connectionClosed(c, cause);
            }
          });
      Connection client = Connection.open(p.client, LengthPrefixedPacketCodec.defaultCodec(),
          PacketQueues.bounded(4), new RecordingPacketHandler());
      client.send(Unpooled.copiedBuffer("boom", StandardCharsets.UTF_8));
      assertThat(closedSeen.closed.get(10, TimeUnit.SECONDS)).isSameAs(bug);
      assertThat(server.isOpen()).isFalse();
    }
  }

  @Test
  void openingAnAlreadyClosedChannelReportsClosedAndRefusesSends() throws Exception {
    try (ChannelPair p = ChannelKinds.pipe(ChannelOptions.defaults())) {
      p.client.close().get(10, TimeUnit.SECONDS);
      RecordingPacketHandler handler = new RecordingPacketHandler();
      Connection c = Connection.open(p.client, LengthPrefixedPacketCodec.defaultCodec(), PacketQueues.bounded(4),
          handler);
      assertThat(handler.closed.get(10, TimeUnit.SECONDS)).isNull();
      ByteBuf payload = Unpooled.directBuffer(1).writeByte(1);
      assertThatThrownBy(() -> c.send(payload)).isInstanceOf(ConnectionClosedException.class);
      assertThat(payload.refCnt()).isZero();
      ByteBuf tried = Unpooled.directBuffer(1).writeByte(1);
      assertThat(c.trySend(tried)).isFalse();
      assertThat(tried.refCnt()).as("trySend on a closed connection releases").isZero();
      assertThat(c.rejectedSends()).isEqualTo(2);
      p.server.start(new io.listenrain.channel.ChannelHandler() {
        @Override
        public void channelRead(ByteBuf data) {
          data.release();
        }

        @Override
        public void channelClosed(Throwable cause) {}
      });
    }
  }
}
