package io.listenrain.client;

import static io.listenrain.testing.NativeFixtures.bytesSpec;
import static io.listenrain.testing.NativeFixtures.echo;
import static io.listenrain.testing.NativeFixtures.message;
import static io.listenrain.testing.NativeFixtures.textOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelClosedException;
import io.listenrain.channel.ChannelGenerator;
import io.listenrain.channel.Channels;
import io.listenrain.channel.ConnectException;
import io.listenrain.codec.BytesMessage;
import io.listenrain.config.TransportKey;
import io.listenrain.errors.ConnectionClosedException;
import io.listenrain.server.Server;
import io.listenrain.server.ServerTransports;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The native transport over the stream adapter: any InputStream/OutputStream pair is a channel. Here the streams are
 * those of plain {@code java.net} sockets, dialed by a user-written {@link ChannelGenerator} and served by handing
 * accepted sockets to {@link Server#serve}, the way a serial line or a FIFO pair would be plugged in.
 */
class StreamAdapterTransportTest {
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  /** Accepts plain sockets on a thread of its own and hands their streams to {@code server}. */
  private ServerSocket acceptInto(Server server) throws IOException {
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    closeables.add(listener);
    Thread accepting = new Thread(() -> {
      while (!listener.isClosed()) {
        try {
          Socket s = listener.accept();
          server.serve(Channels.fromStreams(s.getInputStream(), s.getOutputStream()));
        } catch (IOException e) {
          return; // listener closed
        }
      }
    }, "stream-adapter-accept");
    accepting.setDaemon(true);
    accepting.start();
    return listener;
  }

  /** A generator that opens a plain socket per connect and wraps its streams. */
  private static ChannelGenerator streamDialer(int port) {
    return new ChannelGenerator() {
      private volatile boolean closed;

      @Override
      public CompletableFuture<Channel> connect() {
        CompletableFuture<Channel> result = new CompletableFuture<>();
        if (closed) {
          result.completeExceptionally(new ChannelClosedException("generator closed"));
          return result;
        }
        try {
          Socket s = new Socket();
          s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
          result.complete(Channels.fromStreams(s.getInputStream(), s.getOutputStream()));
        } catch (IOException e) {
          result.completeExceptionally(new ConnectException("cannot connect: " + e, e, true));
        }
        return result;
      }

      @Override
      public void close() {
        closed = true;
      }
    };
  }

  private Transport<BytesMessage> client(int port) {
    Transport<BytesMessage> t = Transport.create(
        TransportKey.of("bytes", new InetSocketAddress(InetAddress.getLoopbackAddress(), port)),
        bytesSpec().channelGenerators(key -> streamDialer(port)).build());
    closeables.add(t::shutdownNow);
    return t;
  }

  @Test
  void callsComeBackOverStreamChannels() throws Exception {
    Server server = ServerTransports.create(bytesSpec().build(), echo());
    closeables.add(server::shutdownNow);
    ServerSocket listener = acceptInto(server);
    Transport<BytesMessage> client = client(listener.getLocalPort());

    List<CompletableFuture<BytesMessage>> calls = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      calls.add(client.send(message(i, "stream " + i)));
    }
    for (int i = 0; i < calls.size(); i++) {
      assertThat(textOf(calls.get(i).get(10, TimeUnit.SECONDS))).isEqualTo("stream " + i);
    }
    assertThat(server.connectionCount()).isEqualTo(1);
    client.close().get(5, TimeUnit.SECONDS);
  }

  @Test
  void serverDeathFailsInFlightCallsAtOnce() throws Exception {
    Queue<BytesMessage> held = new ConcurrentLinkedQueue<>();
    closeables.add(() -> held.forEach(BytesMessage::release));
    CountDownLatch arrived = new CountDownLatch(2);
    Server server = ServerTransports.create(bytesSpec().build(), (response, msgId, m) -> {
      held.add(m);
      arrived.countDown();
    });
    closeables.add(server::shutdownNow);
    ServerSocket listener = acceptInto(server);
    Transport<BytesMessage> client = client(listener.getLocalPort());

    CompletableFuture<BytesMessage> a = client.send(message(1, "a"), Duration.ofHours(1));
    CompletableFuture<BytesMessage> b = client.send(message(2, "b"), Duration.ofHours(1));
    assertThat(arrived.await(5, TimeUnit.SECONDS)).isTrue();
    server.shutdownNow();

    assertThatThrownBy(() -> a.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectionClosedException.class);
    assertThatThrownBy(() -> b.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectionClosedException.class);
  }
}
