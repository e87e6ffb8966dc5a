package io.listenrain.grpc;

import io.grpc.Status;
import io.grpc.internal.AuthorityVerifier;
import io.listenrain.channel.ClientTls;
import java.security.cert.CertificateException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLSession;

/**
 * Checks the authority of a call that overrides its connection's ({@code CallOptions.withAuthority}) against the
 * server certificate of a TLS connection, as grpc-netty does: the handshake verified only the connection's name, and
 * a request must not claim a host the server never proved to be. A failed check fails the call with UNAVAILABLE
 * before anything is sent; with the check turned off ({@link ListenRainChannelBuilder#perRpcAuthorityCheck}) the
 * call goes ahead and a warning is logged once per authority and connection, which is grpc-netty's default today.
 * Results are remembered per connection (at most {@value #MAX_REMEMBERED} authorities). I/O thread only.
 */
final class CallAuthorityCheck {
  private static final Logger logger = Logger.getLogger(CallAuthorityCheck.class.getName());
  static final int MAX_REMEMBERED = 100;

  /** For a connection without TLS: nothing was verified, so no authority is checked (grpc-netty's rule too). */
  static final AuthorityVerifier PLAINTEXT = authority -> Status.OK;

  private final String connectionAuthority;
  private final AuthorityVerifier verifier;
  private final boolean enforce;
  private final Map<String, Status> results = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Status> eldest) {
      return size() > MAX_REMEMBERED;
    }
  };

  CallAuthorityCheck(String connectionAuthority, AuthorityVerifier verifier, boolean enforce) {
    this.connectionAuthority = connectionAuthority;
    this.verifier = verifier;
    this.enforce = enforce;
  }

  /** The verifier of a connection that {@code tls} secured with {@code session}. */
  static AuthorityVerifier forTls(ClientTls tls, SSLSession session) {
    return authority -> {
      try {
        tls.checkServerName(session, ClientSecurity.hostOf(authority));
        return Status.OK;
      } catch (CertificateException | IllegalArgumentException e) {
        return Status.UNAVAILABLE.withDescription("the server's certificate is not valid for the call's authority '"
            + authority + "'").withCause(e);
      }
    };
  }

  /** OK if a call with {@code authority} may be sent on this connection, else the status to fail it with. */
  Status check(String authority) {
    if (authority.equals(connectionAuthority)) {
      return Status.OK;
    }
    Status s = results.get(authority);
    if (s == null) {
      s = verifier.verifyAuthority(authority);
      results.put(authority, s);
      if (!s.isOk() && !enforce) {
        logger.log(Level.WARNING, s.getDescription() + "; sent anyway, as the per-RPC authority check is off",
            s.getCause());
      }
    }
    return enforce ? s : Status.OK;
  }
}
