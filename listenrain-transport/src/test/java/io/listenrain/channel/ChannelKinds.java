package io.listenrain.channel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Builds connected {@link ChannelPair}s of every kind, for the conformance suites. */
public final class ChannelKinds {
  private static final AtomicInteger IDS = new AtomicInteger();

  private ChannelKinds() {}

  /** A listener plus one dialed channel, over any address {@link Channels} supports. */
  public static ChannelPair overAddress(SocketAddress address, ChannelOptions options) throws Exception {
    CompletableFuture<Channel> accepted = new CompletableFuture<>();
    ChannelAcceptor acceptor = Channels.listen(address, options, accepted::complete);
    try {
      Channel client = Channels.dial(acceptor.localAddress(), options).get(10, TimeUnit.SECONDS);
      Channel server = accepted.get(10, TimeUnit.SECONDS);
      return new ChannelPair(client, server, acceptor::close);
    } catch (Exception e) {
      acceptor.close();
      throw e;
    }
  }

  public static ChannelPair tcp(ChannelOptions options) throws Exception {
    return overAddress(new InetSocketAddress("127.0.0.1", 0), options);
  }

  public static ChannelPair unix(ChannelOptions options) throws Exception {
    return overAddress(unixAddress(), options);
  }

  public static ChannelPair pipe(ChannelOptions options) throws Exception {
    return overAddress(new InProcessAddress("conformance-" + IDS.incrementAndGet()), options);
  }

  /** Two stream channels over the streams of a loopback socket pair (real kernel buffers, real back-pressure). */
  public static ChannelPair streams(ChannelOptions options) throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Socket a = new Socket(ss.getInetAddress(), ss.getLocalPort());
      Socket b = ss.accept();
      a.setTcpNoDelay(true);
      b.setTcpNoDelay(true);
      Channel client = Channels.fromStreams(a.getInputStream(), a.getOutputStream(), options);
      Channel server = Channels.fromStreams(b.getInputStream(), b.getOutputStream(), options);
      return new ChannelPair(client, server, () -> {
        a.close();
        b.close();
      });
    }
  }

  public static UnixDomainSocketAddress unixAddress() throws IOException {
    Path dir = Files.createTempDirectory("lr-uds");
    dir.toFile().deleteOnExit();
    return UnixDomainSocketAddress.of(dir.resolve("s" + IDS.incrementAndGet() + ".sock"));
  }
}
