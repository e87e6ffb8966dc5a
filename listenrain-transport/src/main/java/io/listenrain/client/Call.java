package io.listenrain.client;

import io.listenrain.state.StateMachine;
import io.listenrain.timer.DeadlineTimer;
import io.listenrain.transport.Connection;
import io.netty.buffer.ByteBuf;

/**
 * One call in flight on a {@link ClientTransport}: the entry the transport keeps in its state machine pool. Whoever
 * removes it from the pool ends it; the fields below coordinate only the timer and the connection.
 *
 * <p>A call is also the task that delivers its own ending on the callback executor ({@link #run}): the side that ends
 * it records the ending in {@link #ending}, {@link #response} and {@link #cause} and hands the call to the executor,
 * so ending a call allocates no closure.
 */
final class Call<M> implements Runnable {
  final ClientTransport<M> transport;
  /** The codec's long id, or for opaque ids a number local to the transport. */
  final long msgId;
  /** The opaque id, or null when the codec's ids are longs. */
  final io.listenrain.codec.MsgId opaqueMsgId;
  final StateMachine<M> machine;
  final long startNanos;
  final long timeoutNanos;

  /** The connection the request was handed to; null while waiting for a connection. */
  volatile Connection connection;
  /** Set once by the ending side, before it asks the timer to drop the entry. */
  volatile boolean ended;
  /** Set by the timer thread once the entry is in the heap. */
  volatile boolean inTimer;
  /** Owned by the timer thread. */
  DeadlineTimer.Entry<Call<M>> timerEntry;
  /** The encoded request while waiting for a connection; guarded by the transport's lock. */
  ByteBuf pendingPayload;

  /** How the call ended; written once by the side that won the pool entry, before the executor hand-off. */
  ClientTransport.Ending ending;
  /** The response (owned until delivered) when {@link #ending} is a response. */
  M response;
  /** What failed the call when {@link #ending} is a failure. */
  Throwable cause;

  Call(ClientTransport<M> transport, long msgId, io.listenrain.codec.MsgId opaqueMsgId, StateMachine<M> machine,
      long startNanos, long timeoutNanos) {
    this.transport = transport;
    this.msgId = msgId;
    this.opaqueMsgId = opaqueMsgId;
    this.machine = machine;
    this.startNanos = startNanos;
    this.timeoutNanos = timeoutNanos;
  }

  /** Delivers the recorded ending to the state machine; runs on the callback executor. */
  @Override
  public void run() {
    transport.deliver(this);
  }

  @Override
  public String toString() {
    return "Call(" + (opaqueMsgId != null ? opaqueMsgId : String.valueOf(msgId)) + ")";
  }
}
