package io.listenrain.channel;

/**
 * A TLS handshake failed while dialing: the connection was made, but the peers did not agree on a secure session.
 * The cause says why: typically an {@link javax.net.ssl.SSLHandshakeException} (an untrusted or expired certificate, a
 * host name the certificate does not cover, a refused client certificate, no common protocol or cipher), or
 * {@link io.netty.handler.ssl.SslHandshakeTimeoutException} when the handshake timed out.
 *
 * <p>{@link #isRetryable()} is true for a handshake timeout and for plain I/O errors (a reset), false for every
 * {@link javax.net.ssl.SSLException}: certificate and protocol errors, which no retry can fix, and also a peer that
 * closed the connection in the middle of the handshake (the engine reports that as an SSL error too).
 */
public final class TlsHandshakeException extends ConnectException {
  private static final long serialVersionUID = 1L;

  public TlsHandshakeException(String message, Throwable cause, boolean retryable) {
    super(message, cause, retryable);
  }
}
