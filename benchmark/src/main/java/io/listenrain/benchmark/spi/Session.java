package io.listenrain.benchmark.spi;

/**
 * A started contender: a server and one client connection to it, ready for calls. Opened by
 * {@link Contender#open()}, used for every cell of that contender, then closed.
 *
 * <h2>Threading</h2>
 * Every method except {@link #close()} may be called from any thread, including from inside a listener callback, and
 * concurrently for different listeners. Calls are asynchronous: they return at once and report to their listener.
 *
 * <h2>Buffers</h2>
 * The {@link Payload} is shared and immutable; implementations send views of it and never modify or release it.
 * Whatever buffers an implementation allocates it releases itself, including on failure and on close.
 *
 * <h2>Close</h2>
 * {@link #close()} is called once, after the harness has stopped starting calls and waited for the outstanding
 * ones. It shuts the client and the server down and waits (bounded) for their threads to finish.
 */
public interface Session {

  /**
   * Starts one unary echo of {@code request}. The listener hears {@link CallListener#onResponse()} once the same
   * bytes came back and were verified with {@link Payload#matches}, or {@link CallListener#onFailure} otherwise.
   */
  void unary(Payload request, CallListener listener);

  /**
   * Like {@link #unary}, for the memory row ({@code --big}: 1000 outstanding 4 MiB calls): an implementation that has
   * a notion of readiness serializes and sends the request only once the call is ready to take it, so that its
   * transport can bound the bytes queued on a connection. The default is {@link #unary}.
   */
  default void unaryWhenReady(Payload request, CallListener listener) {
    unary(request, listener);
  }

  /**
   * Starts one server stream of {@link Workload#STREAM_MESSAGES_PER_CALL} messages, each the bytes of
   * {@code message}. Only called if the contender {@link Contender#supports supports} {@link Workload#SERVER_STREAM}.
   */
  default void serverStream(Payload message, StreamListener listener) {
    throw new UnsupportedOperationException("server streaming");
  }

  /**
   * Opens a ping-pong stream whose every message is {@code message}; replies go to {@code listener}. Only called if
   * the contender supports {@link Workload#BIDI_PING_PONG}.
   */
  default PingPong pingPong(Payload message, CallListener listener) {
    throw new UnsupportedOperationException("bidi streaming");
  }

  /**
   * Shuts the client and the server down. Not {@link AutoCloseable}: closing waits for threads and may be interrupted,
   * which the harness handles explicitly.
   */
  void close() throws Exception;
}
