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
 * resolves again. Host names are looked up on the channel's offload executor.
 */
final class ListenRainNameResolver extends NameResolver {
  private final String authority;
  private final Args args;
  private Listener2 listener;
  private volatile boolean shutdown;

  ListenRainNameResolver(URI uri, Args args) {
    String a = uri.getRawAuthority();
    if (a == null || a.isEmpty()) {
      throw new IllegalArgumentException("listenrain target needs host:port, got " + uri);
    }
    this.authority = a;
    this.args = args;
    parse(a); // fail fast on a malformed target
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
