package io.listenrain.grpc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP CONNECT proxy on loopback, for tests: reads the request head, optionally demands Basic credentials
 * (407), opens the tunnel to the requested {@code host:port}, answers 200 and relays bytes both ways until either side
 * closes. Records every request line and credentials header it saw.
 */
final class ConnectProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final String requiredAuthorization;
  final List<String> requestLines = new CopyOnWriteArrayList<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  /** {@code requiredAuthorization}: the exact Proxy-Authorization value to demand, or null to demand none. */
  ConnectProxy(String requiredAuthorization) throws IOException {
    this.requiredAuthorization = requiredAuthorization;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "connect-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) listener.getLocalSocketAddress();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        sockets.add(client);
        Thread t = new Thread(() -> serve(client), "connect-proxy-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket client) {
    try {
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      String head = readHead(in);
      String[] lines = head.split("\r\n");
      requestLines.add(lines[0]);
      String auth = null;
      for (String l : lines) {
        if (l.toLowerCase(Locale.ROOT).startsWith("proxy-authorization:")) {
          auth = l.substring(l.indexOf(':') + 1).trim();
          authorizations.add(auth);
        }
      }
      String[] parts = lines[0].split(" ");
      if (parts.length != 3 || !parts[0].equals("CONNECT")) {
        reply(out, "405 Method Not Allowed");
        client.close();
        return;
      }
      if (requiredAuthorization != null && !requiredAuthorization.equals(auth)) {
        reply(out, "407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"");
        client.close();
        return;
      }
      int colon = parts[1].lastIndexOf(':');
      String host = parts[1].substring(0, colon).replace("[", "").replace("]", "");
      Socket upstream = new Socket(host, Integer.parseInt(parts[1].substring(colon + 1)));
      sockets.add(upstream);
      reply(out, "200 Connection established");
      Thread up = new Thread(() -> pump(in, upstream), "connect-proxy-up");
      up.setDaemon(true);
      up.start();
      pump(upstream.getInputStream(), client);
    } catch (IOException e) {
      closeQuietly(client);
    }
  }

  private static void reply(OutputStream out, String status) throws IOException {
    out.write(("HTTP/1.1 " + status + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before the request head ended");
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  private static void pump(InputStream from, Socket to) {
    byte[] buf = new byte[16 * 1024];
    try {
      OutputStream out = to.getOutputStream();
      for (int n; (n = from.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
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
