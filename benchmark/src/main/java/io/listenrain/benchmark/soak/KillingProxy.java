package io.listenrain.benchmark.soak;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy in front of one server port that can kill a live connection with a reset, the way a crashed
 * middlebox or a dead peer would. The soak routes its clients through it. Blocking sockets and two pump threads per
 * connection: the soak has a handful of connections and the simplest correct proxy is the right one here (the
 * transport's test-jar has a richer {@code FaultProxy}, but the soak is a runtime tool and does not ship test code).
 *
 * <p>An end of stream in one direction half-closes the other direction; an error, or {@link #killOldest()},
 * closes both sockets with SO_LINGER 0, so both peers see a reset. Thread-safe.
 */
final class KillingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final InetSocketAddress upstream;
  private final List<Link> links = new ArrayList<>(); // guarded by this
  private final AtomicInteger threadIds = new AtomicInteger();
  private final AtomicLong kills = new AtomicLong();
  private volatile boolean closed;

  /** Starts a proxy on an ephemeral loopback port that forwards to {@code upstream}. */
  KillingProxy(InetSocketAddress upstream) throws IOException {
    this.upstream = upstream;
    this.listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "soak-proxy-accept-" + upstream.getPort());
    t.setDaemon(true);
    t.start();
  }

  /** Where clients connect. */
  InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
  }

  /** Live proxied connections. */
  synchronized int liveLinks() {
    return links.size();
  }

  /** Connections killed so far. */
  long kills() {
    return kills.get();
  }

  /** Resets the oldest live connection on both sides; returns whether there was one. */
  boolean killOldest() {
    Link victim;
    synchronized (this) {
      if (links.isEmpty()) {
        return false;
      }
      victim = links.get(0);
    }
    kills.incrementAndGet();
    victim.reset();
    return true;
  }

  private void acceptLoop() {
    while (!closed) {
      Socket down;
      try {
        down = listener.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue;
      }
      Socket up = new Socket();
      try {
        up.setTcpNoDelay(true);
        down.setTcpNoDelay(true);
        up.connect(upstream, 2_000);
      } catch (IOException e) {
        // The server is down (restarting): the client sees a reset, as it would without the proxy.
        resetQuietly(down);
        closeQuietly(up);
        continue;
      }
      Link link = new Link(down, up);
      synchronized (this) {
        if (closed) {
          link.reset();
          return;
        }
        links.add(link);
      }
      link.start();
    }
  }

  private synchronized void remove(Link link) {
    links.remove(link);
  }

  /** Stops accepting and resets every live connection. */
  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    List<Link> all;
    synchronized (this) {
      all = new ArrayList<>(links);
    }
    all.forEach(Link::reset);
  }

  private static void resetQuietly(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (SocketException e) {
      // already closed
    }
    closeQuietly(s);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // nothing to do
    }
  }

  /** One proxied connection: client side {@code down}, server side {@code up}. */
  private final class Link {
    private final Socket down;
    private final Socket up;
    private final AtomicInteger pumpsLeft = new AtomicInteger(2);

    Link(Socket down, Socket up) {
      this.down = down;
      this.up = up;
    }

    void start() {
      int n = threadIds.incrementAndGet();
      startPump(down, up, "soak-proxy-" + n + "-up");
      startPump(up, down, "soak-proxy-" + n + "-down");
    }

    private void startPump(Socket from, Socket to, String name) {
      Thread t = new Thread(() -> pump(from, to), name);
      t.setDaemon(true);
      t.start();
    }

    private void pump(Socket from, Socket to) {
      byte[] buf = new byte[64 * 1024];
      boolean clean = false;
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
        }
        to.shutdownOutput();
        clean = true;
      } catch (IOException e) {
        reset();
      } finally {
        if (pumpsLeft.decrementAndGet() == 0) {
          if (clean) {
            closeQuietly(down);
            closeQuietly(up);
          }
          remove(this);
        }
      }
    }

    void reset() {
      resetQuietly(down);
      resetQuietly(up);
      remove(this);
    }
  }
}
