package io.listenrain.interop;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/**
 * How one call ended, as its response observer saw it: the final status and {@link System#nanoTime()} at that moment.
 * Responses are counted and the last one kept; the end is recorded once (a second end would fail {@link #ends}).
 */
final class Outcome<T> implements StreamObserver<T> {
  final CompletableFuture<Status> status = new CompletableFuture<>();
  volatile long endNanos;
  volatile int responses;
  /** The last response received, {@code null} if none. */
  volatile T last;
  volatile int ends;

  @Override
  public void onNext(T value) {
    responses++;
    last = value;
  }

  @Override
  public void onError(Throwable t) {
    end(Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    end(Status.OK);
  }

  private synchronized void end(Status s) {
    ends++;
    endNanos = System.nanoTime();
    status.complete(s);
  }
}
