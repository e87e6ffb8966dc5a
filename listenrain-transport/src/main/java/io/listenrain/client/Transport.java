package io.listenrain.client;

import io.listenrain.config.ProtocolSpec;
import io.listenrain.config.TransportKey;
import io.listenrain.errors.CallTimeoutException;
import io.listenrain.errors.ConnectionClosedException;
import io.listenrain.errors.MsgIdInUseException;
import io.listenrain.errors.QueueFullException;
import io.listenrain.errors.TransportClosedException;
import io.listenrain.state.StateMachine;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A client transport: the calls of one protocol to one {@link TransportKey}, multiplexed by msgID over one
 * connection that it dials, and re-dials with backoff after the connection dies. Get one from a transport pool (or
 * {@link #create}); all methods are thread-safe.
 *
 * <h2>Calls</h2>
 * A call is a request message whose response carries the same msgID. Every call that {@code send} accepts ends
 * exactly once: with its response, its timeout, or a failure ({@link ConnectionClosedException} as soon as its
 * connection dies or cannot be established, {@link java.util.concurrent.CancellationException} on cancel). Endings
 * are delivered on the protocol's callback executor, never on an I/O thread. {@code send} itself throws, and no call
 * starts, when the msgID is already in flight ({@link MsgIdInUseException}), the outbound queue is full
 * ({@link QueueFullException}), the transport is closed ({@link TransportClosedException}), or the message cannot be
 * encoded ({@link io.listenrain.codec.CodecException}).
 *
 * <h2>Message ownership</h2>
 * {@code send} takes ownership of the request: a reference-counted request is released once encoded (or on
 * rejection). The response belongs to whoever receives it (the state machine, or the future's consumer).
 *
 * <h2>Closing</h2>
 * {@link #close()} is graceful: no new calls; calls in flight end normally (response or timeout); then queued bytes
 * are flushed and the connection closes. {@link #shutdownNow()} fails every call in flight at once with
 * {@link TransportClosedException} and aborts the connection. After either, the transport dials no more.
 *
 * @param <M> the message type
 */
public interface Transport<M> {

  /** Creates a standalone client transport for {@code key}; it dials on its first call. */
  static <M> Transport<M> create(TransportKey key, ProtocolSpec<M> spec) {
    return new ClientTransport<>(key, spec);
  }

  TransportKey key();

  /** Sends a call with the protocol's default timeout; {@code machine} receives its ending. */
  void send(M request, StateMachine<M> machine);

  /** Sends a call that times out after {@code timeout}; {@code machine} receives its ending. */
  void send(M request, StateMachine<M> machine, Duration timeout);

  /**
   * Sends a call; the future completes with the response or fails with what ended the call. Cancelling the future
   * cancels the call (a late response is dropped).
   */
  CompletableFuture<M> send(M request);

  /** As {@link #send(Object)}, with a timeout for this call. */
  CompletableFuture<M> send(M request, Duration timeout);

  /**
   * Sends a call and waits for its response.
   *
   * @throws CallTimeoutException if no response came within {@code timeout}
   * @throws ConnectionClosedException if the connection died or could not be made
   */
  M syncSend(M request, Duration timeout) throws InterruptedException;

  /**
   * Sends a message that expects no response: no state machine, no timer. If the peer answers anyway, the answer is
   * dropped and counted in {@link TransportStats#unmatchedResponses()}.
   */
  void sendOneWay(M message);

  /**
   * Cancels the call in flight under {@code msgId}: it fails with a CancellationException. Returns whether it did.
   * For a codec with opaque ids, {@code msgId} is the call's local number (the one its state machine sees).
   */
  boolean cancel(long msgId);

  /**
   * Cancels the call in flight under the opaque {@code msgId} (codecs with
   * {@link io.listenrain.codec.MessageCodec.MsgIdKind#OPAQUE} ids). Returns whether it did; always false for long ids.
   */
  boolean cancel(io.listenrain.codec.MsgId msgId);

  /** Counters and gauges of this transport. */
  TransportStats stats();

  /** Whether the transport was closed, or gave up reconnecting. A terminated transport takes no calls. */
  boolean isTerminated();

  /** Completes once the transport is terminated and its connection closed. */
  CompletableFuture<Void> terminationFuture();

  /** Graceful close; see the class comment. Idempotent. */
  CompletableFuture<Void> close();

  /** Forced close; see the class comment. Idempotent. */
  void shutdownNow();
}
