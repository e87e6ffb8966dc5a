package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoServiceGrpc;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** gRPC and a native protocol share one TCP port, told apart by their first bytes. */
class SharedPortTest {
  private Server server;
  private int port;

  @BeforeEach
  void setUp() throws Exception {
    server = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new EchoServiceImpl()).addNativeProtocol(new EchoNativeProtocol()).build().start();
    port = ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }

  @Test
  void grpcCallsWorkOnASharedPort() throws Exception {
    ManagedChannel ch = ListenRainChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      assertThat(EchoServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
          .echo(EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8("shared")).build())
          .getPayload().toStringUtf8()).isEqualTo("shared");
    } finally {
      ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void nativeProtocolGetsItsConnectionWithTheFirstBytesReplayed() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write("EC".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      out.write("HOhello".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] back = s.getInputStream().readNBytes(9);
      assertThat(new String(back, StandardCharsets.US_ASCII)).isEqualTo("ECHOhello");
    }
  }

  @Test
  void unrecognisedConnectionsAreClosed() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GARBAGE!".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      int r;
      try {
        r = in.read();
      } catch (java.net.SocketException reset) {
        r = -1;
      }
      assertThat(r).isEqualTo(-1);
    }
  }
}
