package io.listenrain.state;

/**
 * The client side of one call: receives exactly one ending, the response, the timeout, or a failure. The original
 * framework's StatMachine, with the failure ending it lacked (its calls on a dead connection waited for their timers).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Exactly one of {@link #process}, {@link #timeout} and {@link #failed} is called, exactly once, per call sent
 *       with this state machine. A state machine may be reused for another call once the previous one has ended.</li>
 *   <li>Called on the protocol's callback executor, never on an I/O thread; it may block only if that executor
 *       tolerates blocking (the default pool is bounded, so keep it short).</li>
 *   <li>{@link #process} receives ownership of the message: a reference-counted message (such as
 *       {@link io.listenrain.codec.BytesMessage}) must be released by the state machine.</li>
 * </ul>
 *
 * <p>The {@code msgId} passed to each method is the call's msgID for codecs with {@code long} ids; for codecs with
 * opaque ids ({@link io.listenrain.codec.MsgId}) it is a number local to the transport, unique among its calls in
 * flight, and the id itself is in the message.
 *
 * @param <M> the protocol's message type
 */
public interface StateMachine<M> {

  /** The response for {@code msgId} arrived. The state machine owns {@code message}. */
  void process(long msgId, M message);

  /** No response arrived within the call's timeout. */
  void timeout(long msgId);

  /**
   * The call ended without a response: the connection closed or could not be established
   * ({@link io.listenrain.errors.ConnectionClosedException}), the call was cancelled
   * ({@link java.util.concurrent.CancellationException}), or its message could not be sent.
   */
  void failed(long msgId, Throwable cause);
}
