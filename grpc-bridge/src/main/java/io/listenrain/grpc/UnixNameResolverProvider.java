package io.listenrain.grpc;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.StatusOr;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * Resolves grpc's {@code unix:} targets ({@code unix:relative/path}, {@code unix:/absolute/path},
 * {@code unix:///absolute/path}) to the JDK's {@link UnixDomainSocketAddress}, so that
 * {@code ListenRainChannelBuilder.forTarget("unix:///run/app.sock")} works without grpc-netty. Priority 2: below
 * grpc-netty's own {@code unix:} resolver (3), which wins where grpc-netty is present (its Netty
 * {@code DomainSocketAddress} serves the ListenRain transport as well), so a NettyChannelBuilder is never handed an
 * address type it does not take.
 */
public final class UnixNameResolverProvider extends NameResolverProvider {
  /** The URI scheme: {@value}. */
  public static final String SCHEME = "unix";

  @Override
  protected boolean isAvailable() {
    return true;
  }

  @Override
  protected int priority() {
    return 2;
  }

  @Override
  public String getDefaultScheme() {
    return SCHEME;
  }

  @Override
  public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
    return Collections.singleton(UnixDomainSocketAddress.class);
  }

  @Override
  public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
    if (!SCHEME.equals(targetUri.getScheme())) {
      return null;
    }
    String path = targetUri.isOpaque() ? targetUri.getSchemeSpecificPart() : targetUri.getPath();
    if (path == null || path.isEmpty() || (targetUri.getAuthority() != null && !targetUri.getAuthority().isEmpty())) {
      throw new IllegalArgumentException("a unix: target names a socket file, as unix:path or unix:///absolute/path;"
          + " got " + targetUri);
    }
    return new Static(UnixDomainSocketAddress.of(path));
  }

  /** Resolves once to the one socket file; a Unix socket path never changes its meaning. */
  private static final class Static extends NameResolver {
    private final UnixDomainSocketAddress address;

    Static(UnixDomainSocketAddress address) {
      this.address = address;
    }

    @Override
    public String getServiceAuthority() {
      return "localhost";
    }

    @Override
    public void start(Listener2 listener) {
      List<EquivalentAddressGroup> eag = List.of(new EquivalentAddressGroup(address));
      listener.onResult2(ResolutionResult.newBuilder()
          .setAddressesOrError(StatusOr.fromValue(eag))
          .setAttributes(Attributes.EMPTY)
          .build());
    }

    @Override
    public void shutdown() {}

    @Override
    public String toString() {
      return "unix:" + address.getPath();
    }
  }
}
