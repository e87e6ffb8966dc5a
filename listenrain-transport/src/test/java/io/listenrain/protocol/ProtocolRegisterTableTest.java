package io.listenrain.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import io.listenrain.channel.ChannelAcceptor;
import io.listenrain.codec.BytesMessage;
import io.listenrain.codec.Envelope;
import io.listenrain.codec.ProtobufMessageCodec;
import io.listenrain.codec.RawBytesMessageCodec;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.config.TransportKey;
import io.listenrain.errors.ConnectionClosedException;
import io.netty.buffer.Unpooled;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProtocolRegisterTableTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
  /** As long as HTTP/2's client preface, so a short native request arrives before it could be decided by length. */
  private static final byte[] PB_PREFACE = "LISTENRAIN-PROTOBUF-V1\r\n".getBytes(StandardCharsets.US_ASCII);

  @Test
  void registeredProtocolsGetIndexesAndUniqueNames() {
    try (ProtocolRegisterTable table = new ProtocolRegisterTable()) {
      Protocol<BytesMessage> a = table.register(ProtocolSpec.builder("a", RawBytesMessageCodec.instance()).build());
      Protocol<BytesMessage> b = table.register(ProtocolSpec.builder("b", RawBytesMessageCodec.instance()).build());
      assertThat(a.id()).isZero();
      assertThat(b.id()).isEqualTo(1);
      assertThat(table.get(1)).isSameAs(b);
      assertThat(table.find("a")).containsSame(a);
      assertThatThrownBy(() -> table.register(ProtocolSpec.builder("a", RawBytesMessageCodec.instance()).build()))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void closingTheTableClosesEveryProtocolsServers() throws Exception {
    ProtocolRegisterTable table = new ProtocolRegisterTable();
    Protocol<BytesMessage> a = table.register(ProtocolSpec.builder("a", RawBytesMessageCodec.instance()).build());
    io.listenrain.server.Server server = a.listen(LOOPBACK, (r, id, m) -> r.send(m));
    table.close();
    server.closeFuture().get(5, TimeUnit.SECONDS);
    assertThatThrownBy(() -> a.send(a.key(server.localAddress()), new BytesMessage(1, Unpooled.EMPTY_BUFFER)))
        .isInstanceOf(io.listenrain.errors.TransportClosedException.class);
  }
}
