package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.listenrain.channel.InProcessAddress;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoServiceGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One server on several addresses of different kinds: {@code ListenRainServerBuilder.addListenAddress}. */
class MultiAddressServerTest {
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<Server> servers = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (ManagedChannel c : channels) {
      TestShutdown.shutdownNow(c, null);
    }
    for (Server s : servers) {
      TestShutdown.shutdownNow(null, s);
    }
  }

  private String echo(ListenRainChannelBuilder b, String text) {
    ManagedChannel ch = b.usePlaintext().build();
    channels.add(ch);
    return EchoServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8(text)).build())
        .getPayload().toStringUtf8();
  }

  @Test
  void oneServerAnswersOnTcpAUnixSocketAndAPipeAtOnce() throws Exception {
    Path sock = Files.createTempDirectory("lr-multi").resolve("s.sock");
    InProcessAddress pipe = new InProcessAddress("multi-address-" + System.nanoTime());
    Server server = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addListenAddress(UnixDomainSocketAddress.of(sock))
        .addListenAddress(pipe)
        .addService(new EchoServiceImpl())
        .build().start();
    servers.add(server);
    List<? extends SocketAddress> listening = server.getListenSockets();
    assertThat(listening).hasSize(3);
    assertThat(listening.get(1)).isEqualTo(UnixDomainSocketAddress.of(sock));
    assertThat(listening.get(2)).isEqualTo(pipe);
    assertThat(server.getPort()).isPositive();

    assertThat(echo(ListenRainChannelBuilder.forAddress("127.0.0.1", server.getPort()), "tcp")).isEqualTo("tcp");
    assertThat(echo(ListenRainChannelBuilder.forUnixSocket(sock), "unix")).isEqualTo("unix");
    assertThat(echo(ListenRainChannelBuilder.forInProcess(pipe.name()), "pipe")).isEqualTo("pipe");

    server.shutdown();
    assertThat(server.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.exists(sock)).as("socket file removed at shutdown").isFalse();
  }

  @Test
  void aSecondAddressThatCannotBeBoundFailsStartAndReleasesTheFirst() throws Exception {
    Path sock = Files.createTempDirectory("lr-multi").resolve("taken.sock");
    Server holder = ListenRainServerBuilder.forUnixSocket(sock).addService(new EchoServiceImpl()).build().start();
    servers.add(holder);
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Server both = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .addListenAddress(UnixDomainSocketAddress.of(sock))
        .addService(new EchoServiceImpl()).build();
    assertThatThrownBy(both::start).isInstanceOf(IOException.class);
    // the TCP address it had bound is free again: another server takes it
    Server again = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .addService(new EchoServiceImpl()).build().start();
    servers.add(again);
    assertThat(echo(ListenRainChannelBuilder.forAddress("127.0.0.1", port), "again")).isEqualTo("again");
    assertThat(echo(ListenRainChannelBuilder.forUnixSocket(sock), "holder")).isEqualTo("holder");
  }
}
