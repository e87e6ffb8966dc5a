package io.listenrain.examples.benchproto;

import io.listenrain.codec.BytesMessage;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.server.Server;
import io.listenrain.server.ServerRouter;
import io.listenrain.server.ServerTransports;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;

/**
 * The original benchmark's protocol: {@link BenchCodec} messages in 4-byte length-prefixed packets, a 5 s call
 * timeout (the original's), and an echo server.
 */
public final class BenchProtocol {
  /** The protocol name used in transport keys. */
  public static final String NAME = "listenrain-bench";
  /** The original benchmark's protocol timeout. */
  public static final Duration TIMEOUT = Duration.ofSeconds(5);

  private BenchProtocol() {}

  /** The spec with the original's settings, to adjust further (executor, queue, ...). */
  public static ProtocolSpec.Builder<BytesMessage> spec() {
    return ProtocolSpec.builder(NAME, BenchCodec.instance()).defaultTimeout(TIMEOUT);
  }

  /** The server's router: echoes each packet back unchanged (zero-copy: the request's bytes are the reply). */
  public static ServerRouter<BytesMessage> echo() {
    return (response, msgId, message) -> response.send(message);
  }

  /** Starts an echo server on {@code address}. */
  public static Server startEchoServer(SocketAddress address, ProtocolSpec<BytesMessage> spec) throws IOException {
    return ServerTransports.listen(address, spec, echo());
  }
}
