package io.listenrain.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.grpc.ListenRainServerBuilder;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ListenRain next to grpc-java's own transports, as in an application that has both on its classpath (this module
 * has grpc-netty and grpc-okhttp through grpc-interop-testing): {@code listenrain://} targets go to ListenRain,
 * everything else keeps its standard transport, and a client of one protocol talking to a server of the other fails
 * fast with UNAVAILABLE instead of hanging until its deadline.
 */
class ListenRainProviderCoexistenceTest {
  private static final EchoRequest HELLO = EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8("hello"))
      .build();

  private final List<Server> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void tearDown() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (Server s : servers) {
      s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private Server start(ServerBuilder<?> builder) throws Exception {
    Server s = builder.addService(new Echo()).build().start();
    servers.add(s);
    return s;
  }

  private ManagedChannel channel(ManagedChannel c) {
    channels.add(c);
    return c;
  }

  private static int port(Server s) {
    return ((InetSocketAddress) s.getListenSockets().get(0)).getPort();
  }

  private static EchoServiceGrpc.EchoServiceBlockingStub stub(ManagedChannel c) {
    return EchoServiceGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Test
  void listenRainSchemeTargetsReachAListenRainServerThroughTheGrpcRegistry() throws Exception {
    Server server = start(ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)));
    ManagedChannel c = channel(Grpc.newChannelBuilder("listenrain://127.0.0.1:" + port(server),
        InsecureChannelCredentials.create()).build());
    assertThat(stub(c).echo(HELLO).getPayload().toStringUtf8()).isEqualTo("hello");
  }

  @Test
  void plainGrpcServersAndChannelsKeepTheirStandardTransport() throws Exception {
    ServerBuilder<?> builder = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create());
    assertThat(builder).isNotInstanceOf(ListenRainServerBuilder.class);
    Server server = start(builder);
    ManagedChannel c = channel(Grpc.newChannelBuilder("localhost:" + port(server),
        InsecureChannelCredentials.create()).build());
    assertThat(stub(c).echo(HELLO).getPayload().toStringUtf8()).isEqualTo("hello");
  }

  /**
   * The ListenRain server sends its SETTINGS as soon as it accepts (as an HTTP/2 server does), so grpc-netty reads a
   * frame it cannot parse and reports INTERNAL ("First received frame was not SETTINGS"), its usual answer to a
   * non-HTTP/2 server; UNAVAILABLE if the close wins. Either way the call fails at once, not at its deadline.
   */
  @Test
  void anHttp2ClientAtAListenRainServerFailsFast() throws Exception {
    Server server = start(ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)));
    ManagedChannel c = channel(Grpc.newChannelBuilder("127.0.0.1:" + port(server),
        InsecureChannelCredentials.create()).build());
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> stub(c).echo(HELLO));
    assertThat(e).isNotNull();
    assertThat(e.getStatus().getCode()).isIn(Status.Code.UNAVAILABLE, Status.Code.INTERNAL);
  }

  @Test
  void aListenRainClientAtAnHttp2ServerFailsFastWithUnavailable() throws Exception {
    Server server = start(Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()));
    ManagedChannel c = channel(ListenRainChannelBuilder.forAddress("127.0.0.1", port(server)).build());
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> stub(c).echo(HELLO));
    assertThat(e).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  /** Unary echo. */
  private static final class Echo extends EchoServiceGrpc.EchoServiceImplBase {
    @Override
    public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
      out.onNext(EchoResponse.newBuilder().setPayload(request.getPayload()).build());
      out.onCompleted();
    }
  }
}
