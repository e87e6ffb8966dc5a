package io.listenrain.client;

import static io.listenrain.testing.NativeFixtures.bytesSpec;
import static io.listenrain.testing.NativeFixtures.echo;
import static io.listenrain.testing.NativeFixtures.message;
import static io.listenrain.testing.NativeFixtures.textOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.listenrain.channel.InProcessAddress;
import io.listenrain.codec.BytesMessage;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.config.TransportKey;
import io.listenrain.errors.ConnectionClosedException;
import io.listenrain.server.Server;
import io.listenrain.server.ServerResponse;
import io.listenrain.server.ServerTransports;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The native transport's core behaviours on every channel kind: TCP, Unix domain socket, in-process pipe. */
class ChannelKindsTest {
  private static final AtomicInteger NEXT = new AtomicInteger();

  static List<String> kinds() {
    return List.of("tcp", "unix", "pipe");
  }

  private static SocketAddress address(String kind) throws Exception {
    switch (kind) {
      case "tcp":
        return new InetSocketAddress("127.0.0.1", 0);
      case "pipe":
        return new InProcessAddress("kinds-" + NEXT.incrementAndGet());
      default:
        Path dir = Files.createTempDirectory("lr-native");
        dir.toFile().deleteOnExit();
        return UnixDomainSocketAddress.of(dir.resolve("s" + NEXT.incrementAndGet()));
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void callsComeBackOnEveryChannelKind(String kind) throws Exception {
    Server server = ServerTransports.listen(address(kind), bytesSpec().build(), echo());
    ProtocolSpec<BytesMessage> spec = bytesSpec().build();
    Transport<BytesMessage> client = Transport.create(TransportKey.of("bytes", server.localAddress()), spec);
    try {
      List<CompletableFuture<BytesMessage>> calls = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        calls.add(client.send(message(i, kind + i)));
      }
      for (int i = 0; i < 200; i++) {
        assertThat(textOf(calls.get(i).get(5, TimeUnit.SECONDS))).isEqualTo(kind + i);
      }
      client.close().get(5, TimeUnit.SECONDS);
    } finally {
      client.shutdownNow();
      server.shutdownNow();
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void serverDeathFailsCallsAtOnceOnEveryChannelKind(String kind) throws Exception {
    Queue<BytesMessage> held = new ConcurrentLinkedQueue<>();
    CountDownLatch arrived = new CountDownLatch(2);
    Server server = ServerTransports.listen(address(kind), bytesSpec().build(), (r, id, m) -> {
      held.add(m);
      arrived.countDown();
    });
    Transport<BytesMessage> client = Transport.create(TransportKey.of("bytes", server.localAddress()),
        bytesSpec().build());
    try {
      CompletableFuture<BytesMessage> a = client.send(message(1, "a"), Duration.ofHours(1));
      CompletableFuture<BytesMessage> b = client.send(message(2, "b"), Duration.ofHours(1));
      assertThat(arrived.await(5, TimeUnit.SECONDS)).isTrue();
      server.shutdownNow();
      assertThatThrownBy(() -> a.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectionClosedException.class);
      assertThatThrownBy(() -> b.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectionClosedException.class);
      server.closeFuture().get(5, TimeUnit.SECONDS);
      assertThat(server.connectionCount()).isZero();
    } finally {
      client.shutdownNow();
      server.shutdownNow();
      held.forEach(BytesMessage::release);
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void gracefulServerCloseWaitsForAnswersThenCloses(String kind) throws Exception {
    CompletableFuture<ServerResponse<BytesMessage>> pending = new CompletableFuture<>();
    Server server = ServerTransports.listen(address(kind), bytesSpec().build(), (r, id, m) -> {
      m.release();
      pending.complete(r);
    });
    Transport<BytesMessage> client = Transport.create(TransportKey.of("bytes", server.localAddress()),
        bytesSpec().build());
    try {
      CompletableFuture<BytesMessage> call = client.send(message(1, "q"), Duration.ofHours(1));
      ServerResponse<BytesMessage> response = pending.get(5, TimeUnit.SECONDS);
      server.close();
      assertThat(server.closeFuture()).isNotDone();

      response.send(message(1, "answer after close"));

      assertThat(textOf(call.get(5, TimeUnit.SECONDS))).isEqualTo("answer after close");
      server.closeFuture().get(5, TimeUnit.SECONDS);
    } finally {
      client.shutdownNow();
      server.shutdownNow();
    }
  }
}
