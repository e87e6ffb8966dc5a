package io.listenrain.channel;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;

/**
 * One {@link Dialer#connect()} in progress: dials the endpoints of each attempt one at a time, waits between
 * attempts, and completes {@link #result} once. Steps run on whichever thread completed the previous dial or timer;
 * they never overlap, because each step starts the next only when it ends.
 */
final class DialAttempt {
  private final Dialer dialer;
  final CompletableFuture<Channel> result;

  private int failedRounds;
  private List<DialEndpoint> order;
  private int next;
  private Throwable lastError;
  private volatile Future<?> timer;

  DialAttempt(Dialer dialer, CompletableFuture<Channel> result) {
    this.dialer = dialer;
    this.result = result;
  }

  void startRound() {
    if (stopped()) {
      return;
    }
    order = dialer.order();
    next = 0;
    dialNext();
  }

  private void dialNext() {
    if (stopped()) {
      return;
    }
    if (next == order.size()) {
      roundFailed();
      return;
    }
    DialEndpoint endpoint = order.get(next++);
    dialer.dial(endpoint.address).whenComplete((ch, err) -> dialed(endpoint, ch, err));
  }

  private void dialed(DialEndpoint endpoint, Channel ch, Throwable err) {
    if (ch != null) {
      if (!dialer.isClosed() && result.complete(ch)) {
        endpoint.succeeded();
      } else {
        ch.abort(new ChannelClosedException("dialer closed or connect() cancelled"));
      }
      return;
    }
    Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    if (!(cause instanceof ConnectException) || !((ConnectException) cause).isRetryable()) {
      result.completeExceptionally(cause);
      return;
    }
    dialer.failed(endpoint);
    lastError = cause;
    dialNext();
  }

  private void roundFailed() {
    failedRounds++;
    if (failedRounds >= dialer.maxAttempts()) {
      result.completeExceptionally(new ConnectException("no endpoint reachable after " + failedRounds
          + " attempt(s): " + (lastError == null ? null : lastError.getMessage()), lastError, true));
      return;
    }
    timer = dialer.scheduler().schedule(this::startRound, dialer.roundDelay(failedRounds));
    if (stopped()) {
      timer.cancel(false); // close() ran while we scheduled
    }
  }

  private boolean stopped() {
    if (dialer.isClosed()) {
      cancel(new ChannelClosedException("dialer closed"));
      return true;
    }
    return result.isDone();
  }

  /** Fails the result (if still pending) and cancels the backoff timer. Any thread. */
  void cancel(Throwable cause) {
    result.completeExceptionally(cause);
    Future<?> t = timer;
    if (t != null) {
      t.cancel(false);
    }
  }
}
