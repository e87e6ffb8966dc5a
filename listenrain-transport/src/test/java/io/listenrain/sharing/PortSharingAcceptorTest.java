package io.listenrain.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import io.listenrain.channel.ChannelAcceptor;
import io.listenrain.channel.ChannelOptions;
import io.listenrain.codec.BytesMessage;
import io.listenrain.codec.Envelope;
import io.listenrain.codec.ProtobufMessageCodec;
import io.listenrain.codec.RawBytesMessageCodec;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.config.TransportKey;
import io.listenrain.errors.ConnectionClosedException;
import io.listenrain.protocol.Protocol;
import io.listenrain.protocol.ProtocolRegisterTable;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PortSharingAcceptorTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
  /** As long as HTTP/2's client preface, so a short native request arrives before it could be decided by length. */
  private static final byte[] PB_PREFACE = "LISTENRAIN-PROTOBUF-V1\r\n".getBytes(StandardCharsets.US_ASCII);

  @Test
  void twoProtocolsShareOneListenerAndEachGetsItsOwnConnections() throws Exception {
    try (ProtocolRegisterTable table = new ProtocolRegisterTable()) {
      Protocol<Envelope<StringValue>> pb = table.register(ProtocolSpec.builder("pb",
          ProtobufMessageCodec.of(StringValue.parser())).preface(PB_PREFACE).build());
      Protocol<BytesMessage> raw = table.register(ProtocolSpec.builder("raw", RawBytesMessageCodec.instance())
          .build());
      ChannelAcceptor shared = table.listenShared(LOOPBACK, List.of(
          pb.serverProtocol((r, id, m) -> r.send(Envelope.of(id, StringValue.of("pb:" + m.body().getValue())))),
          raw.serverProtocol((r, id, m) -> {
            String text = m.payload().toString(StandardCharsets.UTF_8);
            m.release();
            r.send(new BytesMessage(id, Unpooled.copiedBuffer("raw:" + text, StandardCharsets.UTF_8)));
          })));
      try {
        assertThat(PB_PREFACE).hasSize(24);
        TransportKey pbKey = pb.key(shared.localAddress());
        TransportKey rawKey = raw.key(shared.localAddress());

        Envelope<StringValue> pbReply = pb.syncSend(pbKey, Envelope.of(1, StringValue.of("hi")),
            Duration.ofSeconds(5));
        // This 13-byte raw request is shorter than the 24-byte pb preface: the acceptor must rule pb out by content.
        BytesMessage rawReply = raw.send(rawKey,
            new BytesMessage(2, Unpooled.copiedBuffer("x", StandardCharsets.UTF_8))).get(5, TimeUnit.SECONDS);

        assertThat(pbReply).isEqualTo(Envelope.of(1, StringValue.of("pb:hi")));
        try {
          assertThat(rawReply.msgId()).isEqualTo(2);
          assertThat(rawReply.payload().toString(StandardCharsets.UTF_8)).isEqualTo("raw:x");
        } finally {
          rawReply.release();
        }
      } finally {
        shared.close();
      }
    }
  }

  @Test
  void connectionMatchingNoProtocolIsClosed() throws Exception {
    try (ProtocolRegisterTable table = new ProtocolRegisterTable()) {
      Protocol<Envelope<StringValue>> pb = table.register(ProtocolSpec.builder("pb",
          ProtobufMessageCodec.of(StringValue.parser())).preface(PB_PREFACE).build());
      ChannelAcceptor shared = table.listenShared(LOOPBACK,
          List.of(pb.serverProtocol((r, id, m) -> r.send(m))));
      try (Socket s = new Socket()) {
        s.connect(shared.localAddress(), 5000);
        s.setSoTimeout(5000);
        OutputStream out = s.getOutputStream();
        out.write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(s.getInputStream().read()).as("server closes the connection").isEqualTo(-1);
      } catch (java.net.SocketException reset) {
        // A reset is a close too.
      } finally {
        shared.close();
      }
    }
  }

  @Test
  void clientWithoutThePrefaceIsRefusedByAPrefacedProtocol() throws Exception {
    try (ProtocolRegisterTable table = new ProtocolRegisterTable()) {
      Protocol<Envelope<StringValue>> pb = table.register(ProtocolSpec.builder("pb",
          ProtobufMessageCodec.of(StringValue.parser())).preface(PB_PREFACE).build());
      Protocol<Envelope<StringValue>> noPreface = table.register(ProtocolSpec.builder("pb-bare",
          ProtobufMessageCodec.of(StringValue.parser())).build());
      ChannelAcceptor shared = table.listenShared(LOOPBACK,
          List.of(pb.serverProtocol((r, id, m) -> r.send(m))));
      try {
        assertThatThrownBy(() -> noPreface.send(noPreface.key(shared.localAddress()),
            Envelope.of(1, StringValue.of("x")), Duration.ofHours(1)).get(5, TimeUnit.SECONDS))
            .hasCauseInstanceOf(ConnectionClosedException.class);
      } finally {
        shared.close();
      }
    }
  }

  @Test
  void twoHundredSocketsTricklingAPartialPrefaceAreClosedAtThePrefaceTimeoutWhileARealClientIsServed()
      throws Exception {
    Duration timeout = Duration.ofMillis(500);
    try (ProtocolRegisterTable table = new ProtocolRegisterTable()) {
      Protocol<Envelope<StringValue>> pb = table.register(ProtocolSpec.builder("pb",
          ProtobufMessageCodec.of(StringValue.parser())).preface(PB_PREFACE).build());
      ChannelAcceptor shared = PortSharingAcceptor.listen(LOOPBACK, ChannelOptions.defaults(),
          List.of(pb.serverProtocol((r, id, m) -> r.send(m))), timeout);
      List<Socket> slow = new ArrayList<>();
      try {
        long start = System.nanoTime();
        for (int i = 0; i < 200; i++) {
          Socket s = new Socket();
          slow.add(s);
          s.connect(shared.localAddress(), 5000);
          s.setTcpNoDelay(true);
          s.getOutputStream().write(PB_PREFACE, 0, 1 + i % 10); // a prefix of the preface: still undecided
        }
        // One more preface byte for every socket, sent while the deadline runs: progress does not extend it.
        for (int i = 0; i < 200; i++) {
          slow.get(i).getOutputStream().write(PB_PREFACE, 1 + i % 10, 1);
        }
        Envelope<StringValue> reply = pb.syncSend(pb.key(shared.localAddress()), Envelope.of(1, StringValue.of("hi")),
            Duration.ofSeconds(5));
        assertThat(reply).isEqualTo(Envelope.of(1, StringValue.of("hi")));

        for (Socket s : slow) {
          assertThat(closedByServer(s, Duration.ofSeconds(10))).as("trickling socket closed").isTrue();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(timeout);
        // The real client, past its preface, is not affected by the preface timeout.
        assertThat(pb.syncSend(pb.key(shared.localAddress()), Envelope.of(2, StringValue.of("again")),
            Duration.ofSeconds(5))).isEqualTo(Envelope.of(2, StringValue.of("again")));
      } finally {
        for (Socket s : slow) {
          s.close();
        }
        shared.close();
      }
    }
  }

  @Test
  void negativePrefaceTimeoutIsRejected() {
    assertThatThrownBy(() -> PortSharingAcceptor.listen(LOOPBACK, ChannelOptions.defaults(), List.of(),
        Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
  }

  /** Whether the server closed {@code s} (end of stream or reset) within {@code within}. */
  private static boolean closedByServer(Socket s, Duration within) throws IOException {
    s.setSoTimeout((int) within.toMillis());
    try {
      return s.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset
    }
  }

  @Test
  void prefacelessProtocolMustComeLast() throws Exception {
    try (ProtocolRegisterTable table = new ProtocolRegisterTable()) {
      Protocol<BytesMessage> raw = table.register(ProtocolSpec.builder("raw", RawBytesMessageCodec.instance())
          .build());
      Protocol<Envelope<StringValue>> pb = table.register(ProtocolSpec.builder("pb",
          ProtobufMessageCodec.of(StringValue.parser())).preface(PB_PREFACE).build());
      assertThatThrownBy(() -> table.listenShared(LOOPBACK, List.of(
          raw.serverProtocol((r, id, m) -> r.send(m)), pb.serverProtocol((r, id, m) -> r.send(m)))))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
