package io.listenrain.grpc;

import io.grpc.ChoiceServerCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.Internal;
import io.grpc.ServerCredentials;
import io.grpc.ServerProvider;
import io.grpc.TlsServerCredentials;
import io.listenrain.channel.ServerTls;
import java.util.ArrayList;
import java.util.List;

/**
 * Registers {@link ListenRainServerBuilder} with {@code Grpc.newServerBuilderForPort}. Low priority (1): Netty and
 * OkHttp win when they are present.
 *
 * <p>Credentials: {@link InsecureServerCredentials} (plaintext); {@link TlsServerCredentials} with a PEM key and
 * chain or key managers, root certificates or trust managers for client certificates, and client auth
 * NONE/OPTIONAL/REQUIRE; {@link ChoiceServerCredentials} (the first choice this provider understands). TLS
 * credentials with a feature this transport does not know ({@code incomprehensible}), or encrypted PEM keys, are
 * refused with an error naming the reason.
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
    List<String> errors = new ArrayList<>();
    ServerTls[] tls = new ServerTls[1];
    if (!map(creds, tls, errors)) {
      return NewServerBuilderResult.error(String.join(", ", errors));
    }
    return NewServerBuilderResult.serverBuilder(ListenRainServerBuilder.forPort(port).tls(tls[0]));
  }

  /** Fills {@code tls[0]} (null = plaintext), or adds to {@code errors}. */
  private static boolean map(ServerCredentials creds, ServerTls[] tls, List<String> errors) {
    if (creds instanceof InsecureServerCredentials) {
      tls[0] = null;
      return true;
    }
    if (creds instanceof TlsServerCredentials) {
      try {
        tls[0] = ServerSecurity.from((TlsServerCredentials) creds);
        return true;
      } catch (IllegalArgumentException e) {
        errors.add(e.getMessage());
        return false;
      }
    }
    if (creds instanceof ChoiceServerCredentials) {
      for (ServerCredentials choice : ((ChoiceServerCredentials) creds).getCredentialsList()) {
        if (map(choice, tls, errors)) {
          return true;
        }
      }
      return false;
    }
    errors.add("ListenRain does not support " + creds.getClass().getName());
    return false;
  }
}
