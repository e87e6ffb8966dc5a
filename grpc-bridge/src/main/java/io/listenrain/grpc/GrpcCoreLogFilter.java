package io.listenrain.grpc;

import io.grpc.Status;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Takes one peer-caused record off grpc-core's log. grpc-java inflates a compressed request lazily, while the
 * application thread parses it, so a compression bomb makes the call's listener throw RESOURCE_EXHAUSTED ("Decompressed
 * gRPC message exceeds maximum size") out of grpc-core's {@code SerializingExecutor}, which logs it at SEVERE with its
 * stack trace: 27 lines per attempt (grpc-netty servers log the same), a way for a peer to fill the disk. The call
 * itself is already failed properly (see {@link ListenRainServerStream#sizeLimitBehindUnknown}).
 *
 * <p>This filter drops exactly those records from that logger and writes them through
 * {@link ListenRainServerTransport#PEER_LOG} instead: one line per second, the trace at FINE. Every other record goes
 * to the filter that was installed before, if any. Installed once per JVM, by the first ListenRain server built.
 */
final class GrpcCoreLogFilter implements Filter {
  static final String LOGGER = "io.grpc.internal.SerializingExecutor";
  /** Held strongly: {@link Logger#getLogger} keeps loggers weakly, and a collected logger would lose the filter. */
  private static final Logger SERIALIZING_EXECUTOR = Logger.getLogger(LOGGER);
  private static boolean installed;

  private final Filter previous;

  private GrpcCoreLogFilter(Filter previous) {
    this.previous = previous;
  }

  static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    SERIALIZING_EXECUTOR.setFilter(new GrpcCoreLogFilter(SERIALIZING_EXECUTOR.getFilter()));
  }

  @Override
  public boolean isLoggable(LogRecord record) {
    Throwable t = record.getThrown();
    if (t != null && isMessageSizeRefusal(t)) {
      ListenRainServerTransport.PEER_LOG.log(Level.INFO, "grpc-message-too-large",
          "gRPC request refused after inflating past the message size limit (compression bomb?)", t);
      return false;
    }
    return previous == null || previous.isLoggable(record);
  }

  /** grpc-core's deframer refused a message over the size limit, as it was inflated. */
  static boolean isMessageSizeRefusal(Throwable t) {
    Status s = Status.fromThrowable(t);
    return s.getCode() == Status.Code.RESOURCE_EXHAUSTED && s.getDescription() != null
        && s.getDescription().contains("gRPC message exceeds maximum size");
  }
}
