package io.listenrain.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelAcceptor;
import io.listenrain.channel.Channels;
import io.listenrain.channel.InProcessAddress;
import io.listenrain.codec.LengthPrefixedPacketCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
}
