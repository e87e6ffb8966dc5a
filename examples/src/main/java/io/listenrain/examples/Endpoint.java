package io.listenrain.examples;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The launcher's address flags: {@code --host H}, {@code --port N} (default 50051) or {@code --unix PATH}. */
final class Endpoint {
  static final int DEFAULT_PORT = 50051;

  final String host;
  final int port;
  final Path unixPath;
  /** Arguments that were not address flags, in order. */
  final List<String> rest;

  private Endpoint(String host, int port, Path unixPath, List<String> rest) {
    this.host = host;
    this.port = port;
    this.unixPath = unixPath;
    this.rest = rest;
  }

  /** Parses {@code args} (after the command word). */
  static Endpoint parse(String[] args, int from) {
    String host = "127.0.0.1";
    int port = DEFAULT_PORT;
    Path unix = null;
    List<String> rest = new ArrayList<>();
    for (int i = from; i < args.length; i++) {
      switch (args[i]) {
        case "--host":
          host = value(args, ++i, "--host");
          break;
        case "--port":
          port = Integer.parseInt(value(args, ++i, "--port"));
          break;
        case "--unix":
          unix = Path.of(value(args, ++i, "--unix"));
          break;
        default:
          rest.add(args[i]);
      }
    }
    return new Endpoint(host, port, unix, rest);
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  /** The server's bind address: all interfaces' loopback for TCP, or the Unix socket file. */
  SocketAddress bindAddress() {
    return unixPath != null ? UnixDomainSocketAddress.of(unixPath) : new InetSocketAddress(host, port);
  }

  /** The address a client dials. */
  SocketAddress dialAddress() {
    return bindAddress();
  }

  @Override
  public String toString() {
    return unixPath != null ? "unix:" + unixPath : host + ":" + port;
  }
}
