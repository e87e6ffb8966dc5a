package io.listenrain.client;

import io.listenrain.errors.CallTimeoutException;
import io.listenrain.state.StateMachine;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;

/** A call's ending as a future. Cancelling the future cancels the call on its transport. */
final class FutureStateMachine<M> extends CompletableFuture<M> implements StateMachine<M> {
  private final ClientTransport<M> transport;
  /** Set before the call is registered. */
  volatile Call<M> call;

  FutureStateMachine(ClientTransport<M> transport) {
    this.transport = transport;
  }

  @Override
  public void process(long id, M message) {
    if (!complete(message)) {
      ReferenceCountUtil.release(message); // cancelled meanwhile: nobody will read it
    }
  }

  @Override
  public void timeout(long id) {
    completeExceptionally(new CallTimeoutException(id));
  }

  @Override
  public void failed(long id, Throwable cause) {
    // A CancellationException completes the future as cancelled (Transport.cancel); when the future's own cancel
    // started it, the future is already done and this does nothing.
    completeExceptionally(cause);
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    if (cancelled) {
      Call<M> c = call;
      if (c != null) {
        transport.cancelCall(c);
      }
    }
    return cancelled;
  }
}
