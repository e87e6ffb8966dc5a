package io.listenrain.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.listenrain.client.Transport;
import io.listenrain.codec.BytesMessage;
import io.listenrain.codec.RawBytesMessageCodec;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.config.ReconnectPolicy;
import io.listenrain.config.TransportKey;
import io.listenrain.errors.ConnectionClosedException;
import io.listenrain.errors.TransportClosedException;
import io.listenrain.server.Server;
import io.listenrain.server.ServerTransports;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TransportPoolTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

  private static ProtocolSpec.Builder<BytesMessage> spec() {
    return ProtocolSpec.builder("bytes", RawBytesMessageCodec.instance());
  }

  private static BytesMessage message(long id, String text) {
    return new BytesMessage(id, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
  }

  @Test
  void sameKeyGetsTheSameTransportAndOtherKeysOthers() throws Exception {
    TransportPool<BytesMessage> pool = TransportPool.create(spec().build());
    try {
      TransportKey a = TransportKey.of("bytes", new InetSocketAddress("127.0.0.1", 1));
      TransportKey a2 = TransportKey.of("bytes", new InetSocketAddress("127.0.0.1", 1));
      TransportKey b = TransportKey.of("bytes", new InetSocketAddress("127.0.0.1", 2));
      assertThat(pool.get(a)).isSameAs(pool.get(a2));
      assertThat(pool.get(a)).isNotSameAs(pool.get(b));
      assertThat(pool.size()).isEqualTo(2);
      assertThatThrownBy(() -> pool.get(TransportKey.of("other", new InetSocketAddress("127.0.0.1", 1))))
          .isInstanceOf(IllegalArgumentException.class);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void deadTransportIsEvictedAndReplacedOnTheNextGet() throws Exception {
    SocketAddress dead;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      dead = new InetSocketAddress("127.0.0.1", s.getLocalPort());
    }
    // One attempt and the transport gives up.
    TransportPool<BytesMessage> pool = TransportPool.create(spec()
        .reconnectPolicy(ReconnectPolicy.of(Duration.ofMillis(1), Duration.ofMillis(1), 1, 0, 1)).build());
    try {
      TransportKey key = TransportKey.of("bytes", dead);
      Transport<BytesMessage> first = pool.get(key);
      assertThatThrownBy(() -> first.send(message(1, "x")).get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(ConnectionClosedException.class);
      first.terminationFuture().get(5, TimeUnit.SECONDS);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> pool.size() == 0);

      Transport<BytesMessage> second = pool.get(key);

      assertThat(second).isNotSameAs(first);
      assertThat(second.isTerminated()).isFalse();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void severalConnectionsPerKeyAreUsedRoundRobin() throws Exception {
    Server server = ServerTransports.listen(LOOPBACK, spec().build(), (r, id, m) -> r.send(m));
    TransportPool<BytesMessage> pool = TransportPool.create(spec().connectionsPerKey(3).build());
    try {
      TransportKey key = TransportKey.of("bytes", server.localAddress());
      Set<Transport<BytesMessage>> seen = new HashSet<>();
      for (int i = 0; i < 6; i++) {
        Transport<BytesMessage> t = pool.get(key);
        seen.add(t);
        t.send(message(i, "hi")).get(5, TimeUnit.SECONDS).release();
      }
      assertThat(seen).hasSize(3);
      assertThat(server.connectionCount()).isEqualTo(3);
      assertThat(pool.size()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
      server.shutdownNow();
    }
  }

  @Test
  void poolIsBoundedInKeys() {
    TransportPool<BytesMessage> pool = TransportPool.create(spec().maxTransports(2).build());
    try {
      pool.get(TransportKey.of("bytes", new InetSocketAddress("127.0.0.1", 1)));
      pool.get(TransportKey.of("bytes", new InetSocketAddress("127.0.0.1", 2)));
      assertThatThrownBy(() -> pool.get(TransportKey.of("bytes", new InetSocketAddress("127.0.0.1", 3))))
          .isInstanceOf(TransportPool.PoolExhaustedException.class);
      pool.drop(TransportKey.of("bytes", new InetSocketAddress("127.0.0.1", 1)));
      assertThat(pool.get(TransportKey.of("bytes", new InetSocketAddress("127.0.0.1", 3)))).isNotNull();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void closedPoolRefusesGets() throws Exception {
    TransportPool<BytesMessage> pool = TransportPool.create(spec().build());
    Transport<BytesMessage> t = pool.get(TransportKey.of("bytes", new InetSocketAddress("127.0.0.1", 1)));
    pool.closeGracefully().get(5, TimeUnit.SECONDS);
    assertThat(t.isTerminated()).isTrue();
    assertThatThrownBy(() -> pool.get(TransportKey.of("bytes", new InetSocketAddress("127.0.0.1", 1))))
        .isInstanceOf(TransportClosedException.class);
  }
}
