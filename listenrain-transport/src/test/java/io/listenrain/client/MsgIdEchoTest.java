package io.listenrain.client;

import static io.listenrain.testing.NativeFixtures.ANY_LOOPBACK;
import static io.listenrain.testing.NativeFixtures.bytesSpec;
import static io.listenrain.testing.NativeFixtures.echo;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import io.listenrain.codec.Envelope;
import io.listenrain.codec.ProtobufMessageCodec;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.server.Server;
import io.listenrain.server.ServerTransports;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 13: a native server answers with the msgID bytes it received, exactly, for the codecs that ship with long ids
 * (the 8 bytes are read and written as one long, so every pattern survives: sign bit, all ones, zero). The Go
 * benchmark codec's opaque ids are pinned in the examples' {@code BenchWireConformanceTest}.
 */
class MsgIdEchoTest {

  private static byte[] exchange(Server server, byte[] request) throws Exception {
    InetSocketAddress address = (InetSocketAddress) server.localAddress();
    try (Socket s = new Socket(address.getAddress(), address.getPort())) {
      s.setSoTimeout(10_000);
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      out.writeInt(request.length);
      out.write(request);
      out.flush();
      DataInputStream in = new DataInputStream(s.getInputStream());
      byte[] reply = new byte[in.readInt()];
      in.readFully(reply);
      return reply;
    } finally {
      server.shutdownNow();
      server.closeFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest(name = "id {0}")
  @ValueSource(strings = {"0000000000000000", "ffffffffffffffff", "8000000000000000", "7fffffffffffffff",
      "0102030405060708", "2020202020202039"})
  void rawBytesServerEchoesTheIdBytesExactly(String hexId) throws Exception {
    byte[] request = HexFormat.of().parseHex(hexId + "68656c6c6f");
    Server server = ServerTransports.listen(ANY_LOOPBACK, bytesSpec().build(), echo());
    assertThat(HexFormat.of().formatHex(exchange(server, request))).isEqualTo(hexId + "68656c6c6f");
  }

  @ParameterizedTest(name = "id {0}")
  @ValueSource(strings = {"0000000000000000", "ffffffffffffffff", "8000000000000000", "0102030405060708"})
  void protobufServerAnswersWithTheIdBytesExactly(String hexId) throws Exception {
    ProtocolSpec<Envelope<StringValue>> spec =
        ProtocolSpec.builder("proto", ProtobufMessageCodec.of(StringValue.parser())).build();
    Server server = ServerTransports.listen(ANY_LOOPBACK, spec, (response, msgId, request) ->
        response.send(Envelope.of(msgId, StringValue.of(request.body().getValue().toUpperCase(Locale.ROOT)))));
    byte[] body = StringValue.of("hi").toByteArray();
    byte[] request = HexFormat.of().parseHex(hexId + HexFormat.of().formatHex(body));
    byte[] expected = HexFormat.of().parseHex(hexId + HexFormat.of().formatHex(StringValue.of("HI").toByteArray()));
    assertThat(exchange(server, request)).isEqualTo(expected);
  }
}
