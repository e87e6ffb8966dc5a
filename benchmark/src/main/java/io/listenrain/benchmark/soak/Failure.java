package io.listenrain.benchmark.soak;

import io.grpc.Status;
import io.listenrain.channel.ChannelClosedException;
import io.listenrain.channel.ConnectException;
import io.listenrain.errors.ConnectionClosedException;
import io.listenrain.errors.QueueFullException;
import io.listenrain.errors.TransportClosedException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * How a call failed: a short reason (a gRPC status code or an exception's simple name) and whether the failure is
 * one a client may retry. During a restart or a connection kill every failure must be retryable; any other is a
 * violation of the soak.
 *
 * @param reason a short, stable label used as a counter key
 * @param retryable whether a retry of the call may succeed
 */
record Failure(String reason, boolean retryable) {

  /**
   * Classifies {@code t}. Retryable: gRPC {@code UNAVAILABLE}; native {@link ConnectionClosedException},
   * {@link TransportClosedException}, {@link ChannelClosedException}, a retryable {@link ConnectException} and
   * {@link QueueFullException} (back-pressure while a connection is being re-established). Everything else,
   * timeouts and {@code DEADLINE_EXCEEDED} included, is not.
   */
  static Failure of(Throwable t) {
    Throwable e = unwrap(t);
    Status status = Status.fromThrowable(e);
    if (status.getCode() != Status.Code.UNKNOWN || e instanceof io.grpc.StatusRuntimeException
        || e instanceof io.grpc.StatusException) {
      return new Failure(status.getCode().name(), status.getCode() == Status.Code.UNAVAILABLE);
    }
    String name = e.getClass().getSimpleName();
    boolean retryable = e instanceof ConnectionClosedException
        || e instanceof TransportClosedException
        || e instanceof ChannelClosedException
        || e instanceof QueueFullException
        || (e instanceof ConnectException ce && ce.isRetryable());
    return new Failure(name, retryable);
  }

  private static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
