package io.listenrain.server;

/**
 * Serves requests: the original framework's ServerRouter. Called once per received message, on the protocol's
 * callback executor (never on an I/O thread); calls may run concurrently, on several threads.
 *
 * <p>The router owns {@code message} (releases it if reference-counted) and answers through {@code response}, now or
 * later, from any thread, at most once. A router may leave a request unanswered (one-way messages); the client then
 * sees its timeout. A router that throws gives up its response: the request counts as answered (a later
 * {@link ServerResponse#send} is rejected), nothing is sent, and the client sees its timeout.
 *
 * <p>For codecs with opaque ids, {@code msgId} is a number local to the connection; the request's id, exactly as
 * received, is {@link ServerResponse#opaqueMsgId()} (and in the message).
 *
 * @param <M> the message type
 */
@FunctionalInterface
public interface ServerRouter<M> {

  /** Handles one request. Exceptions are logged; the request is then never answered (see the class comment). */
  void route(ServerResponse<M> response, long msgId, M message);
}
