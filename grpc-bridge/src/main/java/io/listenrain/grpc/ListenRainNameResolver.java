package io.listenrain.grpc;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusOr;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Resolves the comma-separated {@code host:port} list of a {@code listenrain://} URI once; {@link #refresh()}
 * resolves again. The list is the URI's authority ({@code listenrain://h:1,h:2}) or, in the {@code dns:///} style,
 * its path with an empty authority ({@code listenrain:///h:1,h:2}; an IPv6 literal there is escaped,
 * {@code %5B::1%5D:2}, since a URI path may not hold brackets). Host names are looked up on the channel's offload
 * executor.
 */
final class ListenRainNameResolver extends NameResolver {
  private final String authority;
  private final Args args;
  private Listener2 listener;
  private volatile boolean shutdown;

  ListenRainNameResolver(URI uri, Args args) {
    this.authority = addressList(uri);
    this.args = args;
    parse(authority); // fail fast on a malformed target
  }

  /** The {@code host:port[,host:port...]} part of a target: its authority, or its path when the authority is empty. */
  static String addressList(URI uri) {
    String authority = uri.getRawAuthority();
    String path = uri.getPath(); // decoded: an IPv6 literal in a path is written %5B::1%5D
    boolean hasPath = path != null && !path.isEmpty() && !"/".equals(path);
    if (authority != null && !authority.isEmpty()) {
      if (hasPath) {
        throw new IllegalArgumentException(
            "listenrain target has both an authority and a path; use listenrain://host:port or "
                + "listenrain:///host:port, got " + uri);
      }
      return authority;
    }
    if (!hasPath) {
      throw new IllegalArgumentException("listenrain target needs host:port, got " + uri);
    }
    return path.substring(1);
  }

  static List<InetSocketAddress> parse(String authority) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String part : authority.split(",")) {
      String p = part.trim();
      int colon = p.lastIndexOf(':');
      if (colon <= 0 || colon == p.length() - 1) {
        throw new IllegalArgumentException("expected host:port, got '" + p + "'");
      }
      String host = p.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port = Integer.parseInt(p.substring(colon + 1));
      out.add(InetSocketAddress.createUnresolved(host, port));
    }
    return out;
  }

  @Override
  public String getServiceAuthority() {
    String first = authority.split(",")[0];
    return first;
  }

  @Override
  public void start(Listener2 listener) {
    this.listener = listener;
    resolve();
  }

  @Override
  public void refresh() {
    resolve();
  }

  private void resolve() {
    args.getOffloadExecutor().execute(() -> {
      if (shutdown) {
        return;
      }
      List<EquivalentAddressGroup> groups = new ArrayList<>();
      Status error = null;
      for (InetSocketAddress u : parse(authority)) {
        InetSocketAddress r = new InetSocketAddress(u.getHostString(), u.getPort());
        if (r.isUnresolved()) {
          error = Status.UNAVAILABLE.withDescription("cannot resolve " + u.getHostString());
          continue;
        }
        groups.add(new EquivalentAddressGroup(new ListenRainSocketAddress(r)));
      }
      StatusOr<List<EquivalentAddressGroup>> result = groups.isEmpty()
          ? StatusOr.fromStatus(error) : StatusOr.fromValue(groups);
      ResolutionResult.Builder b = ResolutionResult.newBuilder().setAddressesOrError(result);
      if (groups.size() > 1) {
        Map<String, ?> config = Collections.singletonMap("loadBalancingConfig",
            Collections.singletonList(Collections.singletonMap("round_robin", Collections.emptyMap())));
        b.setServiceConfig(args.getServiceConfigParser().parseServiceConfig(config));
      }
      ResolutionResult rr = b.build();
      args.getSynchronizationContext().execute(() -> {
        if (!shutdown) {
          listener.onResult2(rr);
        }
      });
    });
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }
}
