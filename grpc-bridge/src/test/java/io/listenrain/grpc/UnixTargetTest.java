package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.NameResolver;
import io.grpc.Server;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoServiceGrpc;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The addresses users already hold for a Unix socket: grpc's {@code unix:} targets and Netty's address type. */
class UnixTargetTest {
  private Path socket;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void startServer() throws Exception {
    socket = Files.createTempDirectory("lr-unix-target").resolve("echo.sock");
    server = ListenRainServerBuilder.forAddress(UnixDomainSocketAddress.of(socket))
        .addService(new EchoServiceImpl()).build().start();
  }

  @AfterEach
  void stop() throws Exception {
    TestShutdown.shutdownNow(channel, server);
  }

  private static String echo(ManagedChannel ch, String text) {
    return EchoServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8(text)).build())
        .getPayload().toStringUtf8();
  }

  @Test
  void unixTripleSlashTargetReachesTheSocket() {
    channel = ListenRainChannelBuilder.forTarget("unix://" + socket.toAbsolutePath()).usePlaintext().build();
    assertThat(echo(channel, "triple")).isEqualTo("triple");
    assertThat(channel.authority()).isEqualTo("localhost");
  }

  @Test
  void unixPathTargetReachesTheSocket() {
    channel = ListenRainChannelBuilder.forTarget("unix:" + socket.toAbsolutePath()).usePlaintext().build();
    assertThat(echo(channel, "opaque")).isEqualTo("opaque");
  }

  @Test
  void nettysDomainSocketAddressReachesTheSocket() {
    channel = ListenRainChannelBuilder.forSocketAddress(new DomainSocketAddress(socket.toFile())).usePlaintext()
        .build();
    assertThat(echo(channel, "netty address")).isEqualTo("netty address");
  }

  @Test
  void aRelativeUnixTargetKeepsItsPathAndAnAuthorityIsRefused() {
    UnixNameResolverProvider p = new UnixNameResolverProvider();
    NameResolver r = p.newNameResolver(URI.create("unix:run/app.sock"), null);
    assertThat(r).hasToString("unix:run/app.sock");
    assertThatThrownBy(() -> p.newNameResolver(URI.create("unix://somehost/run/app.sock"), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unix:///absolute/path");
    assertThat(p.newNameResolver(URI.create("dns:///localhost:1"), null)).isNull();
  }
}
