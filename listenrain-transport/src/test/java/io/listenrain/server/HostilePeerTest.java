package io.listenrain.server;

import static io.listenrain.testing.NativeFixtures.bytesSpec;
import static io.listenrain.testing.NativeFixtures.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import io.listenrain.channel.ChannelOptions;
import io.listenrain.client.Transport;
import io.listenrain.codec.BytesMessage;
import io.listenrain.codec.CodecException;
import io.listenrain.codec.Envelope;
import io.listenrain.codec.FrameTooLargeException;
import io.listenrain.codec.ProtobufMessageCodec;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.config.TransportKey;
import io.listenrain.errors.ConnectionClosedException;
import io.listenrain.testing.MaxRequestAllocator;
import io.listenrain.testing.NativeFixtures;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The native client against a hostile server written byte by byte on a plain socket: huge declared lengths and
 * packets too short or too garbled for the message codec. The connection closes on the read that carried the bad
 * bytes, with a typed {@link CodecException}, and every pending call fails at once carrying it.
 */
class HostilePeerTest {
  private ServerSocket listener;
  private final List<Transport<?>> clients = new ArrayList<>();

  @BeforeEach
  void listen() throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void tearDown() throws IOException {
    for (Transport<?> t : clients) {
      t.shutdownNow();
    }
    listener.close();
  }

  private InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
  }

  private CompletableFuture<Socket> acceptOne() {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return listener.accept();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static byte[] headerAndTrickle(long declared) {
    return java.nio.ByteBuffer.allocate(7).putInt((int) declared).put(new byte[] {1, 2, 3}).array();
  }

  /** Reads {@code n} length-prefixed requests off {@code in}. */
  private static void readRequests(DataInputStream in, int n) throws IOException {
    for (int i = 0; i < n; i++) {
      in.readFully(new byte[in.readInt()]);
    }
  }

  /** Whether the peer closed its side: EOF or reset within 5 s. */
  private static boolean closedByClient(Socket s) throws IOException {
    s.setSoTimeout(5000);
    InputStream in = s.getInputStream();
    try {
      return in.read() == -1;
    } catch (SocketException reset) {
      return true;
    }
  }

  /** Asserts the pending call failed at once with ConnectionClosedException caused by {@code causeType}. */
  private static void assertFailedWith(CompletableFuture<?> call, Class<? extends Throwable> causeType) {
    assertThatThrownBy(() -> call.get(2, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(ConnectionClosedException.class)
        .cause().isInstanceOf(causeType);
  }

  @ParameterizedTest(name = "declared length {0}")
  @ValueSource(longs = {0x7fff_ffffL, 0xffff_ffffL})
  void hugeDeclaredResponseLengthClosesOnThatReadAndFailsPendingCallsWithoutAllocating(long declared)
      throws Exception {
    MaxRequestAllocator alloc = new MaxRequestAllocator();
    Transport<BytesMessage> client = Transport.create(TransportKey.of("bytes", address()),
        bytesSpec().channelOptions(ChannelOptions.defaults().withAllocator(alloc)).build());
    clients.add(client);
    CompletableFuture<Socket> accepted = acceptOne();
    List<CompletableFuture<BytesMessage>> calls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      calls.add(client.send(message(i, "pending " + i), Duration.ofSeconds(30)));
    }
    try (Socket s = accepted.get(5, TimeUnit.SECONDS)) {
      readRequests(new DataInputStream(s.getInputStream()), 3);
      // One write: the header and a trickle of body that must never be waited for (a second write could meet the
      // reset).
      s.getOutputStream().write(headerAndTrickle(declared));
      long t0 = System.nanoTime();
      for (CompletableFuture<BytesMessage> call : calls) {
        assertFailedWith(call, FrameTooLargeException.class);
      }
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
      assertThat(closedByClient(s)).isTrue();
    }
    assertThat(alloc.maxRequested()).as("largest allocation request").isLessThan(1 << 20);
    assertThat(client.stats().inFlight()).isZero();
  }

  @ParameterizedTest(name = "declared length {0}")
  @ValueSource(longs = {0x7fff_ffffL, 0xffff_ffffL})
  void hugeDeclaredRequestLengthMakesTheServerCloseOnThatReadWithoutAllocating(long declared) throws Exception {
    MaxRequestAllocator alloc = new MaxRequestAllocator();
    Server server = ServerTransports.listen(NativeFixtures.ANY_LOOPBACK,
        bytesSpec().channelOptions(ChannelOptions.defaults().withAllocator(alloc)).build(), NativeFixtures.echo());
    try (Socket s = new Socket()) {
      s.connect(server.localAddress(), 5000);
      s.getOutputStream().write(headerAndTrickle(declared));
      assertThat(closedByClient(s)).as("closed by the server").isTrue();
      assertThat(server.stats().requests()).isZero();
    } finally {
      server.shutdownNow();
    }
    assertThat(alloc.maxRequested()).as("largest allocation request").isLessThan(1 << 20);
  }

  @ParameterizedTest(name = "{0}-byte response")
  @ValueSource(ints = {0, 1, 7})
  void responseTooShortForItsMsgIdIsDroppedAndCountedAndTheConnectionCarriesOn(int size) throws Exception {
    Transport<BytesMessage> client = Transport.create(TransportKey.of("bytes", address()), bytesSpec().build());
    clients.add(client);
    CompletableFuture<Socket> accepted = acceptOne();
    CompletableFuture<BytesMessage> call = client.send(message(7, "hi"), Duration.ofSeconds(30));
    try (Socket s = accepted.get(5, TimeUnit.SECONDS)) {
      DataInputStream in = new DataInputStream(s.getInputStream());
      byte[] request = new byte[in.readInt()];
      in.readFully(request);
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      out.writeInt(size); // no room for a msgId: the length prefix still delimits it, so only it is dropped
      out.write(new byte[size]);
      out.writeInt(request.length); // then the real answer, on the same connection
      out.write(request);
      out.flush();
      assertThat(NativeFixtures.textOf(call.get(10, TimeUnit.SECONDS))).isEqualTo("hi");
      assertThat(client.stats().badMsgIds()).isEqualTo(1);
      assertThat(client.stats().connects()).isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "garbage body {0}")
  @ValueSource(strings = {"ff", "0a05616263", "0affffffffffffffffff01", "0f", "12"})
  void garbledProtobufResponseFailsWithCodecExceptionNeverAnIndexError(String hexBody) throws Exception {
    ProtocolSpec<Envelope<StringValue>> spec =
        ProtocolSpec.builder("proto", ProtobufMessageCodec.of(StringValue.parser())).build();
    Transport<Envelope<StringValue>> client = Transport.create(TransportKey.of("proto", address()), spec);
    clients.add(client);
    CompletableFuture<Socket> accepted = acceptOne();
    CompletableFuture<Envelope<StringValue>> call =
        client.send(Envelope.of(9, StringValue.of("question")), Duration.ofSeconds(30));
    try (Socket s = accepted.get(5, TimeUnit.SECONDS)) {
      readRequests(new DataInputStream(s.getInputStream()), 1);
      byte[] body = java.util.HexFormat.of().parseHex(hexBody);
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      out.writeInt(8 + body.length);
      out.writeLong(9);
      out.write(body);
      out.flush();
      assertFailedWith(call, CodecException.class);
      assertThat(closedByClient(s)).isTrue();
    }
  }
}
