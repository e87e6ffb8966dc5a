package io.listenrain.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP relay in front of one server that counts the bytes it forwards each way, so {@code demo} can show
 * what a call costs on the wire whatever the protocol. Blocking sockets, two threads per connection: a demo tool,
 * not a proxy. Bytes are counted before they are forwarded, so once a reply has reached the client it is counted.
 */
final class ByteCountingRelay implements AutoCloseable {
  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final AtomicLong toServer = new AtomicLong();
  private final AtomicLong toClient = new AtomicLong();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  ByteCountingRelay(InetSocketAddress target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "demo-relay-accept");
    accept.setDaemon(true);
    accept.start();
  }

  /** Where clients connect. */
  InetSocketAddress address() {
    return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
  }

  /** Bytes forwarded from clients to the server so far. */
  long bytesToServer() {
    return toServer.get();
  }

  /** Bytes forwarded from the server to clients so far. */
  long bytesToClient() {
    return toClient.get();
  }

  private void acceptLoop() {
    try {
      while (true) {
        Socket client = listener.accept();
        Socket server = new Socket(target.getAddress(), target.getPort());
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(server);
        pump(client, server, toServer, "demo-relay-up");
        pump(server, client, toClient, "demo-relay-down");
      }
    } catch (IOException closed) {
      // close() closed the listener, or the server went away: the relay is done.
    }
  }

  private static void pump(Socket from, Socket to, AtomicLong counter, String name) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          counter.addAndGet(n);
          out.write(buffer, 0, n);
        }
      } catch (IOException closed) {
        // either side closed: the connection is over.
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : sockets) {
      closeQuietly(s);
    }
  }
}
