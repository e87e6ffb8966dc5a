package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Real generated stubs over real ListenRain channels, for each channel kind. */
class EndToEndTest {
  private Server server;
  private ManagedChannel channel;

  private EchoServiceGrpc.EchoServiceBlockingStub start(TransportKind kind) throws Exception {
    assumeTrue(kind.available(), "native transport needed for Unix sockets");
    server = ListenRainServerBuilder.forAddress(kind.bindAddress()).addService(new EchoServiceImpl()).build().start();
    channel = ListenRainChannelBuilder.forSocketAddress(server.getListenSockets().get(0)).usePlaintext().build();
    return EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void unaryCallEchoesThePayload(TransportKind kind) throws Exception {
    EchoServiceGrpc.EchoServiceBlockingStub stub = start(kind);
    EchoResponse r = stub.echo(EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8("hello")).build());
    assertThat(r.getPayload().toStringUtf8()).isEqualTo("hello");
  }
}
