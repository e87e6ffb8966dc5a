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

  /**
   * Two FIFO channels in this JVM over one FIFO pair (client reads {@code a} and writes {@code b}, the server the other
   * way round), opened at once on two threads as two processes would. Closing the pair removes the files.
   */
  public static ChannelPair fifo(ChannelOptions options) throws Exception {
    FifoDir dir = FifoDir.create("a", "b");
    try {
      CompletableFuture<Channel> client = Channels.fifo(dir.path("a"), dir.path("b"), options);
      CompletableFuture<Channel> server = Channels.fifo(dir.path("b"), dir.path("a"), options);
      return new ChannelPair(client.get(10, TimeUnit.SECONDS), server.get(10, TimeUnit.SECONDS), dir);
    } catch (Exception e) {
      dir.close();
      throw e;
    }
  }

  /**
   * Two FIFO channels in this JVM that reach each other only through a {@link FifoRelay} in a second process, over
   * two FIFO pairs. Closing the pair kills the relay and removes the files.
   */
  public static ChannelPair fifoViaRelay(ChannelOptions options) throws Exception {
    return fifoViaRelay(options, new java.util.concurrent.atomic.AtomicReference<>());
  }

  /** As {@link #fifoViaRelay(ChannelOptions)}, handing the relay process to {@code relay}. */
  public static ChannelPair fifoViaRelay(ChannelOptions options,
      java.util.concurrent.atomic.AtomicReference<Process> relay) throws Exception {
    FifoDir dir = FifoDir.create("c2r", "r2c", "s2r", "r2s");
    Process p = null;
    try {
      p = ForkedJvm.start(FifoRelay.class, dir.dir.resolve("relay.log"), dir.path("c2r").toString(),
          dir.path("r2c").toString(), dir.path("s2r").toString(), dir.path("r2s").toString());
      relay.set(p);
      CompletableFuture<Channel> client = Channels.fifo(dir.path("r2c"), dir.path("c2r"), options);
      CompletableFuture<Channel> server = Channels.fifo(dir.path("r2s"), dir.path("s2r"), options);
      Process forked = p;
      return new ChannelPair(client.get(20, TimeUnit.SECONDS), server.get(20, TimeUnit.SECONDS), () -> {
        forked.destroyForcibly();
        try {
          forked.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        dir.close();
      });
    } catch (Exception e) {
      if (p != null) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
      dir.close();
      throw e;
    }
  }

  public static UnixDomainSocketAddress unixAddress() throws IOException {
    Path dir = Files.createTempDirectory("lr-uds");
    dir.toFile().deleteOnExit();
    return UnixDomainSocketAddress.of(dir.resolve("s" + IDS.incrementAndGet() + ".sock"));
  }
}
