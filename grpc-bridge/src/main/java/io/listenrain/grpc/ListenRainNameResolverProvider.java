package io.listenrain.grpc;

import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.Collections;

/**
 * Resolves {@code listenrain://host:port[,host2:port2...]} targets into {@link ListenRainSocketAddress}es, so that
 * only the ListenRain transport serves them. Several addresses are balanced with {@code round_robin}. Priority 4:
 * below DNS (5), so it never becomes the default scheme.
 */
public final class ListenRainNameResolverProvider extends NameResolverProvider {
  /** The URI scheme: {@value}. */
  public static final String SCHEME = "listenrain";

  @Override
  protected boolean isAvailable() {
    return true;
  }

  @Override
  protected int priority() {
    return 4;
  }

  @Override
  public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
    if (!SCHEME.equals(targetUri.getScheme())) {
      return null;
    }
    return new ListenRainNameResolver(targetUri, args);
  }

  @Override
  public String getDefaultScheme() {
    return SCHEME;
  }

  @Override
  public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
    return Collections.singleton(ListenRainSocketAddress.class);
  }
}
