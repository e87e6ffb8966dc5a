package io.listenrain.grpc;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.ChoiceChannelCredentials;
import io.grpc.CompositeCallCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Internal;
import io.grpc.ManagedChannelProvider;
import io.grpc.TlsChannelCredentials;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Registers {@link ListenRainChannelBuilder} with {@code Grpc.newChannelBuilder}. Low priority (1), so it never takes
 * plain {@code host:port} targets from Netty or OkHttp; it is picked for {@code listenrain://} targets, whose resolver
 * produces {@link ListenRainSocketAddress}es only this provider supports.
 *
 * <p>Credentials: {@link InsecureChannelCredentials} (plaintext); {@link TlsChannelCredentials} with root
 * certificates or trust managers, and a PEM key and chain or key managers for mutual TLS (the server's certificate is
 * checked against the channel authority); {@link CompositeChannelCredentials} (its call credentials are added to every
 * call) and {@link ChoiceChannelCredentials} (the first choice this provider understands). TLS credentials with a
 * feature this transport does not know ({@code incomprehensible}), or encrypted PEM keys, are refused with an error
 * naming the reason, so {@code Grpc.newChannelBuilder} can try another provider.
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
    List<String> errors = new ArrayList<>();
    ClientSecurity[] security = new ClientSecurity[1];
    CallCredentials[] callCreds = new CallCredentials[1];
    if (!map(creds, security, callCreds, errors)) {
      return NewChannelBuilderResult.error(String.join(", ", errors));
    }
    return NewChannelBuilderResult.channelBuilder(
        ListenRainChannelBuilder.forTarget(target, creds, callCreds[0], security[0]));
  }

  /** Fills {@code security[0]} (null = plaintext) and {@code callCreds[0]}, or adds to {@code errors}. */
  private static boolean map(ChannelCredentials creds, ClientSecurity[] security, CallCredentials[] callCreds,
      List<String> errors) {
    if (creds instanceof InsecureChannelCredentials) {
      security[0] = null;
      return true;
    }
    if (creds instanceof TlsChannelCredentials) {
      try {
        security[0] = ClientSecurity.from((TlsChannelCredentials) creds);
        return true;
      } catch (IllegalArgumentException e) {
        errors.add(e.getMessage());
        return false;
      }
    }
    if (creds instanceof CompositeChannelCredentials) {
      CompositeChannelCredentials c = (CompositeChannelCredentials) creds;
      if (!map(c.getChannelCredentials(), security, callCreds, errors)) {
        return false;
      }
      callCreds[0] = callCreds[0] == null ? c.getCallCredentials()
          : new CompositeCallCredentials(callCreds[0], c.getCallCredentials());
      return true;
    }
    if (creds instanceof ChoiceChannelCredentials) {
      for (ChannelCredentials choice : ((ChoiceChannelCredentials) creds).getCredentialsList()) {
        if (map(choice, security, callCreds, errors)) {
          return true;
        }
      }
      return false;
    }
    errors.add("ListenRain does not support " + creds.getClass().getName());
    return false;
  }

  @Override
  protected Collection<Class<? extends SocketAddress>> getSupportedSocketAddressTypes() {
    return ListenRainTransportFactory.ADDRESS_TYPES;
  }
}
