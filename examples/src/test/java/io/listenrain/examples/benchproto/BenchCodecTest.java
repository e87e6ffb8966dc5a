package io.listenrain.examples.benchproto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.listenrain.codec.BytesMessage;
import io.listenrain.codec.CodecException;
import io.listenrain.codec.LengthPrefixedPacketCodec;
import io.listenrain.codec.MsgId;
import io.listenrain.codec.MsgIdException;
import io.listenrain.server.Server;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BenchCodecTest {
  private final BenchCodec codec = BenchCodec.instance();

  private static BytesMessage message(long id, String text) {
    return new BytesMessage(id, Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
  }

  /** The whole packet as the Go original writes it: length, 36-byte space-padded id, payload. */
  private static byte[] wire(long id, String payload) {
    String field = String.format(Locale.ROOT, "%36d", id);
    byte[] body = (field + payload).getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[4 + body.length];
    out[0] = (byte) (body.length >>> 24);
    out[1] = (byte) (body.length >>> 16);
    out[2] = (byte) (body.length >>> 8);
    out[3] = (byte) body.length;
    System.arraycopy(body, 0, out, 4, body.length);
    return out;
  }

  @Test
  void encodesTheOriginalsBytesExactly() {
    BytesMessage m = message(42, "abc");
    ByteBuf payload = codec.encode(m, PooledByteBufAllocator.DEFAULT);
    m.release();
    List<ByteBuf> framed = new ArrayList<>();
    LengthPrefixedPacketCodec.defaultCodec().encode(payload, PooledByteBufAllocator.DEFAULT, framed::add);
    ByteBuf all = Unpooled.wrappedBuffer(framed.toArray(new ByteBuf[0]));
    try {
      assertThat(ByteBufUtil.hexDump(all)).isEqualTo("00000027" + "20".repeat(34) + "3432" + "616263");
      assertThat(ByteBufUtil.getBytes(all)).isEqualTo(wire(42, "abc"));
    } finally {
      all.release();
    }
  }

  @Test
  void longIdsGoOutAsTheGoClientsSpacePaddedDecimal() {
    for (long id : new long[] {0, 9, 10, Long.MAX_VALUE}) {
      ByteBuf b = codec.encode(message(id, ""), PooledByteBufAllocator.DEFAULT);
      try {
        assertThat(b.toString(StandardCharsets.US_ASCII)).isEqualTo(String.format(Locale.ROOT, "%36d", id));
        BytesMessage back = codec.decode(b.retain());
        assertThat(back.opaqueMsgId()).isEqualTo(BenchCodec.decimalId(id));
        back.release();
      } finally {
        b.release();
      }
    }
  }

  /** Every 36-byte field is an id, kept exactly: decode then encode gives back the same bytes (codec level). */
  @Test
  void anyThirtySixBytesAreAnIdAndComeBackExactly() {
    for (String field : BenchWireConformanceTest.IDS) {
      byte[] bytes = (field + "xyz").getBytes(StandardCharsets.UTF_8);
      BytesMessage m = codec.decode(Unpooled.copiedBuffer(bytes));
      assertThat(m.opaqueMsgId().toUtf8()).isEqualTo(field);
      assertThat(m.payload().toString(StandardCharsets.US_ASCII)).isEqualTo("xyz");
      ByteBuf out = codec.encode(m, PooledByteBufAllocator.DEFAULT);
      m.release();
      try {
        assertThat(ByteBufUtil.getBytes(out)).as(field).isEqualTo(bytes);
      } finally {
        out.release();
      }
    }
  }

  @Test
  void packetsTooShortForTheIdAreMsgIdErrorsAndIdsOfAnotherWidthDoNotEncode() {
    for (String bad : new String[] {"", "123", " ".repeat(35)}) {
      ByteBuf packet = Unpooled.copiedBuffer(bad, StandardCharsets.US_ASCII);
      assertThatThrownBy(() -> codec.decode(packet)).as(bad).isInstanceOf(MsgIdException.class);
      assertThat(packet.refCnt()).isZero();
    }
    BytesMessage m = new BytesMessage(MsgId.of("short"), Unpooled.EMPTY_BUFFER);
    assertThatThrownBy(() -> codec.encode(m, PooledByteBufAllocator.DEFAULT)).isInstanceOf(CodecException.class);
    assertThatThrownBy(() -> BenchCodec.id("x".repeat(37))).isInstanceOf(CodecException.class);
    assertThatThrownBy(() -> codec.encode(message(-1, ""), PooledByteBufAllocator.DEFAULT))
        .isInstanceOf(CodecException.class);
  }

  @Test
  void echoServerAnswersTheOriginalsClientBytesOverTcp() throws Exception {
    Server server = BenchProtocol.startEchoServer(new InetSocketAddress("127.0.0.1", 0),
        BenchProtocol.spec().build());
    try {
      // A hand-written peer: exactly the bytes the Go client puts on the wire, and back.
      try (Socket s = new Socket()) {
        s.connect(server.localAddress(), 5000);
        s.setSoTimeout(5000);
        byte[] request = wire(7, "payload-of-the-original");
        OutputStream out = s.getOutputStream();
        out.write(request);
        out.flush();
        byte[] echoed = new byte[request.length];
        new DataInputStream(s.getInputStream()).readFully(echoed);
        assertThat(echoed).isEqualTo(request);
      }
      // And our own client, many calls.
      BenchClient client = new BenchClient(server.localAddress(), BenchProtocol.spec().build());
      try {
        for (int i = 0; i < 100; i++) {
          BytesMessage reply = client.syncEcho(Unpooled.copiedBuffer("x".repeat(i * 41), StandardCharsets.US_ASCII),
              Duration.ofSeconds(5));
          try {
            assertThat(reply.opaqueMsgId()).isEqualTo(BenchCodec.decimalId(i));
            assertThat(reply.payload().readableBytes()).isEqualTo(i * 41);
          } finally {
            reply.release();
          }
        }
      } finally {
        client.close();
      }
      client.transport().terminationFuture().get(5, TimeUnit.SECONDS);
    } finally {
      server.shutdownNow();
    }
  }
}
