package io.listenrain.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.listenrain.channel.ChannelAcceptor;
import io.listenrain.channel.ChannelOptions;
import io.listenrain.channel.ClientTls;
import io.listenrain.channel.ServerTls;
import io.listenrain.channel.TlsHandshakeException;
import io.listenrain.codec.BytesMessage;
import io.listenrain.codec.RawBytesMessageCodec;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.server.Server;
import io.listenrain.testing.TestCertificates;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Native protocols over TLS: a protocol whose spec carries TLS channel options dials and serves over mutual TLS with
 * nothing else to set, through {@link Protocol#listen} and {@link ProtocolRegisterTable#listenShared}.
 */
class ProtocolRegisterTableTlsTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
  private static final TestCertificates CERTS = TestCertificates.shared();

  private static ChannelOptions mutualTls() {
    return ChannelOptions.defaults()
        .withClientTls(ClientTls.builder().trustCertificates(CERTS.ca())
            .clientCertificate(CERTS.client().key(), CERTS.client().chain()).build())
        .withServerTls(ServerTls.builder(CERTS.server().key(), CERTS.server().chain())
            .clientAuth(ServerTls.ClientAuth.REQUIRE).trustCertificates(CERTS.ca()).build());
  }

  private static BytesMessage text(long id, String s) {
    return new BytesMessage(id, Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
  }

  private static String textOf(BytesMessage m) {
    try {
      return m.payload().toString(StandardCharsets.UTF_8);
    } finally {
      m.release();
    }
  }

  @Test
  void requestAndResponseTravelOverMutualTls() throws Exception {
    try (ProtocolRegisterTable table = new ProtocolRegisterTable()) {
      Protocol<BytesMessage> echo = table.register(ProtocolSpec.builder("echo", RawBytesMessageCodec.instance())
          .channelOptions(mutualTls()).build());
      Server server = echo.listen(LOOPBACK, (r, id, m) -> r.send(text(id, "echo:" + textOf(m))));
      BytesMessage reply = echo.send(echo.key(server.localAddress()), text(1, "hi")).get(10, TimeUnit.SECONDS);
      assertThat(reply.msgId()).isEqualTo(1);
      assertThat(textOf(reply)).isEqualTo("echo:hi");
    }
  }

  @Test
  void aClientThatDoesNotTrustTheServerFailsTheCallWithTheHandshakeError() throws Exception {
    try (ProtocolRegisterTable table = new ProtocolRegisterTable()) {
      Protocol<BytesMessage> server = table.register(ProtocolSpec.builder("server", RawBytesMessageCodec.instance())
          .channelOptions(mutualTls()).build());
      ChannelOptions wrongTrust = ChannelOptions.defaults().withClientTls(ClientTls.builder()
          .trustCertificates(CERTS.untrustedCa()).build());
      Protocol<BytesMessage> client = table.register(ProtocolSpec.builder("client", RawBytesMessageCodec.instance())
          .channelOptions(wrongTrust).build());
      Server s = server.listen(LOOPBACK, (r, id, m) -> r.send(m));
      Throwable t = catchThrowable(() -> client.send(client.key(s.localAddress()), text(1, "hi"))
          .get(15, TimeUnit.SECONDS));
      assertThat(t).isInstanceOf(ExecutionException.class);
      assertThat(causes(t)).anyMatch(c -> c instanceof TlsHandshakeException);
    }
  }

  @Test
  void aPlaintextClientGetsNoAnswerFromATlsServerButAnError() throws Exception {
    try (ProtocolRegisterTable table = new ProtocolRegisterTable()) {
      Protocol<BytesMessage> server = table.register(ProtocolSpec.builder("server", RawBytesMessageCodec.instance())
          .channelOptions(mutualTls()).build());
      Protocol<BytesMessage> plain = table.register(ProtocolSpec.builder("plain", RawBytesMessageCodec.instance())
          .build());
      Server s = server.listen(LOOPBACK, (r, id, m) -> r.send(m));
      Throwable t = catchThrowable(() -> plain.send(plain.key(s.localAddress()), text(1, "hi"))
          .get(15, TimeUnit.SECONDS));
      assertThat(t).isInstanceOf(ExecutionException.class); // the server dropped it: no reply, no hang
    }
  }

  private static List<Throwable> causes(Throwable t) {
    List<Throwable> list = new java.util.ArrayList<>();
    for (Throwable c = t; c != null && !list.contains(c); c = c.getCause()) {
      list.add(c);
      for (Throwable s : c.getSuppressed()) {
        list.addAll(causes(s));
      }
    }
    return list;
  }

  @Test
  void aSharedPortServesNativeProtocolsBehindOneTlsHandshake() throws Exception {
    try (ProtocolRegisterTable table = new ProtocolRegisterTable()) {
      Protocol<BytesMessage> a = table.register(ProtocolSpec.builder("a", RawBytesMessageCodec.instance())
          .preface("LISTENRAIN-A-V1\r\n".getBytes(StandardCharsets.US_ASCII)).channelOptions(mutualTls()).build());
      Protocol<BytesMessage> b = table.register(ProtocolSpec.builder("b", RawBytesMessageCodec.instance())
          .channelOptions(mutualTls()).build());
      ChannelAcceptor shared = table.listenShared(LOOPBACK, mutualTls(), List.of(
          a.serverProtocol((r, id, m) -> r.send(text(id, "a:" + textOf(m)))),
          b.serverProtocol((r, id, m) -> r.send(text(id, "b:" + textOf(m))))));
      try {
        assertThat(textOf(a.send(a.key(shared.localAddress()), text(1, "x")).get(10, TimeUnit.SECONDS)))
            .isEqualTo("a:x");
        assertThat(textOf(b.send(b.key(shared.localAddress()), text(2, "y")).get(10, TimeUnit.SECONDS)))
            .isEqualTo("b:y");
      } finally {
        shared.close();
      }
    }
  }
}
