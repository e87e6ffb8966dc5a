package io.listenrain.grpc;

import com.google.protobuf.ByteString;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;

/**
 * What the hostile-peer tests share: a real server on loopback TCP whose transports are recorded, a real ListenRain
 * channel to it (the client whose service must not suffer), {@link HostileClient}s that attack it from plain
 * sockets, and an optional executor; all ended after each test.
 */
abstract class HostileServerTestBase {
  static final String ECHO = EchoServiceGrpc.getEchoMethod().getFullMethodName();
  static final String BIDI = EchoServiceGrpc.getBidiStreamMethod().getFullMethodName();

  Server server;
  /** The well-behaved client's channel. */
  ManagedChannel channel;
  /** Server transports in the order their connections arrived. */
  final List<ListenRainServerTransport> transports = new CopyOnWriteArrayList<>();
  final List<HostileClient> clients = new ArrayList<>();
  /** Set by a test that needs threads of its own; shut down after it. */
  ExecutorService pool;

  /** Starts {@code service} on an ephemeral loopback port, configured by {@code config}, and a channel to it. */
  InetSocketAddress start(BindableService service, Consumer<ListenRainServerBuilder> config) throws IOException {
    ListenRainServerBuilder b = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(service);
    b.config().serverTransportCreated = transports::add;
    config.accept(b);
    server = b.build().start();
    InetSocketAddress a = (InetSocketAddress) server.getListenSockets().get(0);
    channel = ListenRainChannelBuilder.forSocketAddress(a).usePlaintext().build();
    return a;
  }

  HostileClient hostile(InetSocketAddress a, int receiveBuffer) throws IOException {
    HostileClient c = new HostileClient(a, receiveBuffer);
    clients.add(c);
    return c;
  }

  /** A unary echo by the well-behaved client. */
  EchoResponse echo(String s) {
    return EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8(s)).build());
  }

  /** An echo request as a length-prefixed gRPC message, for a hostile client to send. */
  static byte[] echoRequest(String s) {
    return HostileClient.message(EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8(s)).build().toByteArray());
  }

  @AfterEach
  void endServerClientsAndPool() throws Exception {
    for (HostileClient c : clients) {
      c.close();
    }
    if (pool != null) {
      pool.shutdownNow();
    }
    TestShutdown.shutdownNow(channel, server);
  }
}
