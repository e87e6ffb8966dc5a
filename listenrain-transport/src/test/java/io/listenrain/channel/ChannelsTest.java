package io.listenrain.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Binding and dialing: addresses in use, stale socket files, and how dial failures are classified. */
class ChannelsTest {

  /** Accepts and keeps the channel open, discarding what it reads. */
  private static void holdOpen(Channel ch) {
    ch.start(new ChannelHandler() {
      @Override
      public void channelRead(io.netty.buffer.ByteBuf data) {
        data.release();
      }

      @Override
      public void channelClosed(Throwable cause) {}
    });
  }

  @Test
  void tcpChannelsReportTheirSocketOptionsAndPipesReportNone() throws Exception {
    try (ChannelAcceptor acceptor = Channels.listen(new InetSocketAddress("127.0.0.1", 0), ChannelsTest::holdOpen)) {
      Channel tcp = Channels.dial(acceptor.localAddress()).get(5, TimeUnit.SECONDS);
      try {
        assertThat(tcp.socketOptions()).containsKeys("SO_SNDBUF", "SO_RCVBUF", "SO_LINGER")
            .containsEntry("TCP_NODELAY", "true");
      } finally {
        tcp.abort(null);
      }
      tcp.closeFuture().get(5, TimeUnit.SECONDS);
      assertThat(tcp.socketOptions()).isEmpty(); // a closed socket reports nothing and does not throw
    }
    InProcessAddress name = new InProcessAddress("channels-test-options");
    try (ChannelAcceptor acceptor = Channels.listen(name, ch -> ch.abort(null))) {
      Channel pipe = Channels.dial(acceptor.localAddress()).get(5, TimeUnit.SECONDS);
      try {
        assertThat(pipe.socketOptions()).isEmpty();
      } finally {
        pipe.abort(null);
      }
    }
  }

  @Test
  void listenOnATcpPortInUseThrowsIOException() throws Exception {
    try (ChannelAcceptor first = Channels.listen(new InetSocketAddress("127.0.0.1", 0), ch -> ch.abort(null))) {
      assertThatThrownBy(() -> Channels.listen(first.localAddress(), ch -> ch.abort(null)))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void listenOnATcpPortInUseThrowsIOExceptionWithNio() throws Exception {
    ChannelOptions nio = ChannelOptions.defaults().withPreferNative(false);
    try (ChannelAcceptor first =
        Channels.listen(new InetSocketAddress("127.0.0.1", 0), nio, ch -> ch.abort(null))) {
      assertThatThrownBy(() -> Channels.listen(first.localAddress(), nio, ch -> ch.abort(null)))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void closedTcpAcceptorFreesItsPort() throws Exception {
    ChannelAcceptor first = Channels.listen(new InetSocketAddress("127.0.0.1", 0), ch -> ch.abort(null));
    SocketAddress bound = first.localAddress();
    first.close();
    first.closeFuture().get(10, TimeUnit.SECONDS);
    try (ChannelAcceptor again = Channels.listen(bound, ch -> ch.abort(null))) {
      assertThat(again.localAddress()).isEqualTo(bound);
    }
  }

  @Test
  void inProcessNameAlreadyBoundThrowsIOException() throws Exception {
    InProcessAddress name = new InProcessAddress("channels-test-taken");
    try (ChannelAcceptor first = Channels.listen(name, ch -> ch.abort(null))) {
      assertThat(first.localAddress()).isEqualTo(name);
      assertThatThrownBy(() -> Channels.listen(name, ch -> ch.abort(null))).isInstanceOf(IOException.class);
    }
    try (ChannelAcceptor again = Channels.listen(name, ch -> ch.abort(null))) {
      assertThat(again.localAddress()).isEqualTo(name);
    }
  }

  @Test
  void unixSocketFileIsDeletedOnClose() throws Exception {
    UnixDomainSocketAddress address = ChannelKinds.unixAddress();
    ChannelAcceptor acceptor = Channels.listen(address, ch -> ch.abort(null));
    assertThat(Files.exists(address.getPath())).isTrue();
    acceptor.close();
    assertThat(Files.exists(address.getPath())).isFalse();
    acceptor.closeFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void unixSocketInUseByALiveServerIsNotStolen() throws Exception {
    UnixDomainSocketAddress address = ChannelKinds.unixAddress();
    try (ChannelAcceptor first = Channels.listen(address, ch -> ch.abort(null))) {
      assertThat(first.localAddress()).isEqualTo(address);
      assertThatThrownBy(() -> Channels.listen(address, ch -> ch.abort(null))).isInstanceOf(IOException.class);
      Channel stillReachesFirst = Channels.dial(address).get(10, TimeUnit.SECONDS);
      stillReachesFirst.abort(null);
      stillReachesFirst.start(new RecordingChannelHandler());
    }
  }

  @Test
  void staleUnixSocketFileFromADeadServerIsReplaced() throws Exception {
    UnixDomainSocketAddress address = ChannelKinds.unixAddress();
    ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    dead.bind(address);
    dead.close(); // the JDK leaves the file behind, as a crashed process would
    assertThat(Files.exists(address.getPath())).isTrue();
    CompletableFuture<Channel> accepted = new CompletableFuture<>();
    try (ChannelAcceptor acceptor = Channels.listen(address, accepted::complete)) {
      assertThat(acceptor.localAddress()).isEqualTo(address);
      Channel client = Channels.dial(address).get(10, TimeUnit.SECONDS);
      Channel server = accepted.get(10, TimeUnit.SECONDS);
      client.abort(null);
      server.abort(null);
      client.start(new RecordingChannelHandler());
      server.start(new RecordingChannelHandler());
    }
  }

  @Test
  void aRegularFileAtTheSocketPathIsNotDeleted() throws Exception {
    UnixDomainSocketAddress address = ChannelKinds.unixAddress();
    Files.writeString(address.getPath(), "precious");
    assertThatThrownBy(() -> Channels.listen(address, ch -> ch.abort(null))).isInstanceOf(IOException.class);
    assertThat(Files.readString(address.getPath())).isEqualTo("precious");
    Files.delete(address.getPath());
  }

  @Test
  void dialingARefusedPortFailsRetryably() throws Exception {
    SocketAddress closed = DialerTest.deadTcpAddress();
    assertThatThrownBy(() -> Channels.dial(closed).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(ConnectException.class, e -> assertThat(e.isRetryable()).isTrue());
  }

  @Test
  void dialingAnUnresolvableHostFailsFatally() throws Exception {
    SocketAddress nowhere = InetSocketAddress.createUnresolved("no-such-host.invalid", 80);
    assertThatThrownBy(() -> Channels.dial(nowhere).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(ConnectException.class, e -> assertThat(e.isRetryable()).isFalse());
  }

  @Test
  void dialingAnUnboundInProcessNameFails() throws Exception {
    assertThatThrownBy(() -> Channels.dial(new InProcessAddress("nobody-here")).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(ConnectException.class);
  }
}
