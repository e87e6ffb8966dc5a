package io.listenrain.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.UnixDomainSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs only in the build's {@code without-native-transports} test execution (io.netty.transport.noNative=true), next
 * to the Unix-socket suites: proves that they really ran without epoll, on the JDK's domain-socket channel.
 */
class NativeDisabledTest {
  @Test
  void withNativeTransportsDisabledUnixSocketsRunOnTheJdksChannel() throws Exception {
    assertThat(Boolean.getBoolean("io.netty.transport.noNative")).as("run by the no-native execution").isTrue();
    assertThat(Channels.nativeTransportAvailable()).isFalse();
    UnixDomainSocketAddress address = ChannelKinds.unixAddress();
    assertThat(Channels.supports(address)).isTrue();
    CompletableFuture<Channel> accepted = new CompletableFuture<>();
    try (ChannelAcceptor acceptor = Channels.listen(address, accepted::complete)) {
      assertThat(acceptor.localAddress()).isEqualTo(address);
      Channel client = Channels.dial(address).get(10, TimeUnit.SECONDS);
      Channel server = accepted.get(10, TimeUnit.SECONDS);
      // Netty's epoll channels report its own DomainSocketAddress; the JDK's channel reports the JDK's type.
      assertThat(server.localAddress()).isInstanceOf(UnixDomainSocketAddress.class);
      assertThat(client.remoteAddress()).isInstanceOf(UnixDomainSocketAddress.class);
      client.abort(null);
      server.abort(null);
      client.start(new RecordingChannelHandler());
      server.start(new RecordingChannelHandler());
    }
  }
}
