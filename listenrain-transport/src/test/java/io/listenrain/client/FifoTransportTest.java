package io.listenrain.client;

import static io.listenrain.testing.NativeFixtures.bytesSpec;
import static io.listenrain.testing.NativeFixtures.message;
import static io.listenrain.testing.NativeFixtures.textOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.listenrain.channel.ChannelOptions;
import io.listenrain.channel.Channels;
import io.listenrain.channel.FifoDir;
import io.listenrain.channel.ForkedJvm;
import io.listenrain.channel.InProcessAddress;
import io.listenrain.codec.BytesMessage;
import io.listenrain.config.TransportKey;
import io.listenrain.errors.ConnectionClosedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The native request-response API over a FIFO pair whose other end is a native server in another process
 * ({@link FifoEchoPeer}): the client's transport gets its channel from {@link Channels#fifoGenerator}.
 */
class FifoTransportTest {
  private FifoDir dir;
  private Process peer;
  private Transport<BytesMessage> client;

  @BeforeEach
  void startPeer() throws Exception {
    dir = FifoDir.create("to-peer", "from-peer");
    peer = ForkedJvm.start(FifoEchoPeer.class, dir.path("peer.log"), dir.path("to-peer").toString(),
        dir.path("from-peer").toString());
    client = Transport.create(TransportKey.of("bytes", new InProcessAddress("fifo-peer")),
        bytesSpec().channelGenerators(key -> Channels.fifoGenerator(dir.path("from-peer"), dir.path("to-peer"),
            ChannelOptions.defaults().withConnectTimeout(Duration.ofSeconds(20)))).build());
  }

  @AfterEach
  void tearDown() throws Exception {
    client.shutdownNow();
    peer.destroyForcibly();
    peer.waitFor(10, TimeUnit.SECONDS);
    dir.close();
    assertThat(dir.dir).doesNotExist();
  }

  @Test
  void callsComeBackFromAServerInAnotherProcessAndClosingEndsThePeer() throws Exception {
    List<CompletableFuture<BytesMessage>> calls = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      calls.add(client.send(message(i, "fifo " + i), Duration.ofSeconds(30)));
    }
    for (int i = 0; i < calls.size(); i++) {
      assertThat(textOf(calls.get(i).get(30, TimeUnit.SECONDS))).isEqualTo("fifo " + i);
    }
    client.close().get(10, TimeUnit.SECONDS);
    // Closing our ends is end of stream for the peer: its connection ends and it exits by itself.
    assertThat(peer.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(peer.exitValue()).isZero();
  }

  @Test
  void aPeerKilledWithSigkillFailsInFlightCallsWithinABound() throws Exception {
    assertThat(textOf(client.send(message(1, "up?"), Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS)))
        .isEqualTo("up?");
    CompletableFuture<BytesMessage> a = client.send(message(2, "hold a"), Duration.ofHours(1));
    CompletableFuture<BytesMessage> b = client.send(message(3, "hold b"), Duration.ofHours(1));
    long start = System.nanoTime();
    peer.destroyForcibly();
    assertThatThrownBy(() -> a.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectionClosedException.class);
    assertThatThrownBy(() -> b.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectionClosedException.class);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    System.out.println("FIFO server killed: in-flight calls failed after " + tookMs + " ms");
    assertThat(tookMs).isLessThan(5_000);
  }
}
