package io.listenrain.state;

import io.listenrain.errors.CallTimeoutException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A state machine a thread can wait on: the engine of blocking {@code syncSend}. One instance serves one call.
 *
 * <p>{@link #await} returns the response, or throws what ended the call. The call's own timeout (set at send)
 * ends it with {@link CallTimeoutException}; {@code await}'s bound is a safety net on top.
 *
 * @param <M> the protocol's message type
 */
public final class SyncStateMachine<M> implements StateMachine<M> {
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile M response;
  private volatile Throwable failure;

  @Override
  public void process(long msgId, M message) {
    response = message;
    done.countDown();
  }

  @Override
  public void timeout(long msgId) {
    failure = new CallTimeoutException(msgId);
    done.countDown();
  }

  @Override
  public void failed(long msgId, Throwable cause) {
    failure = cause;
    done.countDown();
  }

  /** Whether the call has ended. */
  public boolean isDone() {
    return done.getCount() == 0;
  }

  /**
   * Waits for the call to end and returns the response.
   *
   * @throws ExecutionException wrapping what ended the call without a response ({@link CallTimeoutException},
   *     {@link io.listenrain.errors.ConnectionClosedException}, ...)
   * @throws TimeoutException if {@code timeout} passed first (the call itself may still end later)
   */
  public M await(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
    if (!done.await(timeout, unit)) {
      throw new TimeoutException("no response within " + timeout + " " + unit);
    }
    Throwable f = failure;
    if (f != null) {
      throw new ExecutionException(f);
    }
    return response;
  }
}
