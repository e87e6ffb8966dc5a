package io.listenrain.examples.benchproto;

import static org.assertj.core.api.Assertions.assertThat;

import io.listenrain.client.Transport;
import io.listenrain.codec.BytesMessage;
import io.listenrain.config.TransportKey;
import io.listenrain.server.Server;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The benchmark protocol against a peer written byte by byte, as the Go original's benchmark client and server put
 * their bytes on the wire (issue 13): the msgID is 36 opaque bytes that the server echoes exactly as received, and
 * that the client matches exactly.
 */
class BenchWireConformanceTest {
  /** 36-byte msgID fields a Go peer may send; each must come back byte for byte. */
  static final String[] IDS = {
      "123e4567-e89b-12d3-a456-426614174000", // a UUID
      "000000000000000000000000000000000009", // zero-padded
      "                 9223372036854775807", // 2^63 - 1, space-padded
      "                 9223372036854775808", // 2^63
      "999999999999999999999999999999999999", // 36 digits, far over 2^63
      "                                    ", // blank
      "\u00e9".repeat(16) + "-xyz", // non-ASCII: 16 two-byte characters (UTF-8) and 4 ASCII ones
  };

  private static byte[] field(String id) {
    byte[] b = id.getBytes(StandardCharsets.UTF_8);
    assertThat(b).hasSize(BenchCodec.MSG_ID_LENGTH);
    return b;
  }

  private static void writePacket(DataOutputStream out, byte[] id, byte[] payload) throws IOException {
    out.writeInt(id.length + payload.length);
    out.write(id);
    out.write(payload);
    out.flush();
  }

  private static byte[] readPacket(DataInputStream in) throws IOException {
    byte[] p = new byte[in.readInt()];
    in.readFully(p);
    return p;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @ParameterizedTest(name = "id [{0}]")
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
  void theServerEchoesEveryIdByteForByte(int which) throws Exception {
    byte[] id = field(IDS[which]);
    byte[] payload = "payload".getBytes(StandardCharsets.US_ASCII);
    Server server = BenchProtocol.startEchoServer(new InetSocketAddress("127.0.0.1", 0), BenchProtocol.spec().build());
    InetSocketAddress address = (InetSocketAddress) server.localAddress();
    try (Socket s = new Socket(address.getAddress(), address.getPort())) {
      s.setSoTimeout(10_000);
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      DataInputStream in = new DataInputStream(s.getInputStream());
      writePacket(out, id, payload);
      assertThat(readPacket(in)).as("the echoed packet").isEqualTo(concat(id, payload));
    } finally {
      server.shutdownNow();
      server.closeFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Java client to a hand-written server: the id goes out exactly as chosen, and the echo matches it exactly. */
  @ParameterizedTest(name = "id [{0}]")
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
  void theClientSendsEveryIdExactlyAndMatchesItsEcho(int which) throws Exception {
    byte[] id = field(IDS[which]);
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Transport<BytesMessage> client = Transport.create(TransportKey.of(BenchProtocol.NAME,
          new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort())), BenchProtocol.spec().build());
      try {
        CompletableFuture<BytesMessage> call = client.send(new BytesMessage(BenchCodec.id(IDS[which]),
            Unpooled.copiedBuffer("p", StandardCharsets.US_ASCII)), Duration.ofSeconds(10));
        try (Socket s = listener.accept()) {
          DataInputStream in = new DataInputStream(s.getInputStream());
          byte[] request = readPacket(in);
          assertThat(request).as("the request on the wire").isEqualTo(concat(id, new byte[] {'p'}));
          writePacket(new DataOutputStream(s.getOutputStream()), id, "echo".getBytes(StandardCharsets.US_ASCII));
          BytesMessage reply = call.get(10, TimeUnit.SECONDS);
          try {
            assertThat(reply.opaqueMsgId().toByteArray()).isEqualTo(id);
            assertThat(reply.payload().toString(StandardCharsets.US_ASCII)).isEqualTo("echo");
          } finally {
            reply.release();
          }
        }
      } finally {
        client.shutdownNow();
      }
    }
  }

  /** Java client and Java server over TCP, every id at once on one connection, each matched to its own call. */
  @Test
  void javaClientAndServerCorrelateEveryKindOfIdOnOneConnection() throws Exception {
    Server server = BenchProtocol.startEchoServer(new InetSocketAddress("127.0.0.1", 0), BenchProtocol.spec().build());
    Transport<BytesMessage> client = Transport.create(TransportKey.of(BenchProtocol.NAME, server.localAddress()),
        BenchProtocol.spec().build());
    try {
      List<CompletableFuture<BytesMessage>> calls = new ArrayList<>();
      for (int i = 0; i < IDS.length; i++) {
        calls.add(client.send(new BytesMessage(BenchCodec.id(IDS[i]),
            Unpooled.copiedBuffer("call " + i, StandardCharsets.US_ASCII)), Duration.ofSeconds(10)));
      }
      for (int i = 0; i < IDS.length; i++) {
        BytesMessage reply = calls.get(i).get(10, TimeUnit.SECONDS);
        try {
          assertThat(reply.opaqueMsgId().toByteArray()).isEqualTo(field(IDS[i]));
          assertThat(reply.payload().toString(StandardCharsets.US_ASCII)).isEqualTo("call " + i);
        } finally {
          reply.release();
        }
      }
      assertThat(server.stats().badMsgIds()).isZero();
      assertThat(client.stats().connects()).isEqualTo(1);
    } finally {
      client.shutdownNow();
      server.shutdownNow();
      server.closeFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Issue 13, finding 3: an answer carrying an id that no call has (a non-decimal one, which the Java client used to
   * fail to parse) is dropped and counted; the connection and the calls in flight on it carry on.
   */
  @Test
  void anAnswerWithAForeignIdIsDroppedAndTheCallsInFlightCarryOn() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Transport<BytesMessage> client = Transport.create(
          TransportKey.of(BenchProtocol.NAME, new InetSocketAddress(InetAddress.getLoopbackAddress(),
              listener.getLocalPort())), BenchProtocol.spec().build());
      try {
        CompletableFuture<BytesMessage> first = client.send(new BytesMessage(1, Unpooled.copiedBuffer("a",
            StandardCharsets.US_ASCII)), Duration.ofSeconds(10));
        try (Socket s = listener.accept()) {
          DataInputStream in = new DataInputStream(s.getInputStream());
          DataOutputStream out = new DataOutputStream(s.getOutputStream());
          byte[] r1 = readPacket(in);
          writePacket(out, field(IDS[0]), "stray".getBytes(StandardCharsets.US_ASCII));
          out.writeInt(r1.length);
          out.write(r1);
          out.flush();
          assertThat(first.get(10, TimeUnit.SECONDS).release()).isTrue();
          assertThat(client.stats().unmatchedResponses()).isEqualTo(1);
          // The same connection still serves calls.
          CompletableFuture<BytesMessage> second = client.send(new BytesMessage(2, Unpooled.copiedBuffer("b",
              StandardCharsets.US_ASCII)), Duration.ofSeconds(10));
          byte[] r2 = readPacket(in);
          out.writeInt(r2.length);
          out.write(r2);
          out.flush();
          assertThat(second.get(10, TimeUnit.SECONDS).release()).isTrue();
          assertThat(client.stats().connects()).isEqualTo(1);
        }
      } finally {
        client.shutdownNow();
      }
    }
  }
}
