package io.listenrain.benchmark.spi;

/**
 * Receives the outcome of one call (unary) or of each message (streams) started through a {@link Session}.
 *
 * <p>Called from whatever thread the contender completes on: an I/O thread, a gRPC executor thread or a reader
 * thread. The harness keeps exactly one call outstanding per listener, so the calls for one listener never overlap;
 * implementations are cheap and never block. The harness may start the next call from inside a callback.
 */
public interface CallListener {

  /** A response arrived and {@link Payload#matches verified}: same size, same sampled bytes. */
  void onResponse();

  /**
   * The call failed, or its response did not verify ({@link ResponseMismatchException}). Called at most once per
   * call, instead of {@link #onResponse()}. For a stream, no further callbacks follow.
   */
  void onFailure(Throwable cause);
}
