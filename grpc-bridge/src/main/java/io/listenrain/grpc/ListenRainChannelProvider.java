package io.listenrain.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Internal;
import io.grpc.ManagedChannelProvider;
import java.net.SocketAddress;
import java.util.Collection;

/**
 * Registers {@link ListenRainChannelBuilder} with {@code Grpc.newChannelBuilder}. Low priority (1), so it never takes
 * plain {@code host:port} targets from Netty or OkHttp; it is picked for {@code listenrain://} targets, whose resolver
 * produces {@link ListenRainSocketAddress}es only this provider supports. Only insecure credentials are accepted.
 */
@Internal
public final class ListenRainChannelProvider extends ManagedChannelProvider {
  @Override
  protected boolean isAvailable() {
    return true;
  }

  @Override
  protected int priority() {
    return 1;
  }

  @Override
  protected ListenRainChannelBuilder builderForAddress(String name, int port) {
    return ListenRainChannelBuilder.forAddress(name, port);
  }

  @Override
  protected ListenRainChannelBuilder builderForTarget(String target) {
    return ListenRainChannelBuilder.forTarget(target);
  }

  @Override
  protected NewChannelBuilderResult newChannelBuilder(String target, ChannelCredentials creds) {
    if (!(creds instanceof InsecureChannelCredentials)) {
      return NewChannelBuilderResult.error("ListenRain supports only InsecureChannelCredentials");
    }
    return NewChannelBuilderResult.channelBuilder(ListenRainChannelBuilder.forTarget(target));
  }

  @Override
  protected Collection<Class<? extends SocketAddress>> getSupportedSocketAddressTypes() {
    return ListenRainTransportFactory.ADDRESS_TYPES;
  }
}
