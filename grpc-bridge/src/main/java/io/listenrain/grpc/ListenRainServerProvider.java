package io.listenrain.grpc;

import io.grpc.InsecureServerCredentials;
import io.grpc.Internal;
import io.grpc.ServerCredentials;
import io.grpc.ServerProvider;

/**
 * Registers {@link ListenRainServerBuilder} with {@code Grpc.newServerBuilderForPort}. Low priority (1): Netty and
 * OkHttp win when they are present. Only insecure credentials are accepted.
 */
@Internal
public final class ListenRainServerProvider extends ServerProvider {
  @Override
  protected boolean isAvailable() {
    return true;
  }

  @Override
  protected int priority() {
    return 1;
  }

  @Override
  protected ListenRainServerBuilder builderForPort(int port) {
    return ListenRainServerBuilder.forPort(port);
  }

  @Override
  protected NewServerBuilderResult newServerBuilderForPort(int port, ServerCredentials creds) {
    if (!(creds instanceof InsecureServerCredentials)) {
      return NewServerBuilderResult.error("ListenRain supports only InsecureServerCredentials");
    }
    return NewServerBuilderResult.serverBuilder(ListenRainServerBuilder.forPort(port));
  }
}
