package io.listenrain.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * What a server does when a thread serving it hits {@link OutOfMemoryError} (docs/RELIABILITY.md): by default it fails
 * fast, halting the JVM with {@link #EXIT_CODE} so that a supervisor restarts it. After an OutOfMemoryError nothing in
 * the process can be trusted: the error may have struck any thread half-way through updating shared state (a
 * connection's queues, grpc's call bookkeeping, a pool), and it tends to recur, so a server that carries on is
 * half-alive (issue #12: every call from every client failed for minutes while the process stayed up). Failing only the
 * affected call would need every allocation site to be recoverable, which neither grpc-java nor Netty promise.
 *
 * <p>The action runs on the thread that caught the error: a handler's (through {@link #interceptor}, which covers
 * {@code startCall}, every listener callback and {@code ServerCall.sendMessage} from any thread) or a connection's I/O
 * thread (through {@link #guard}). {@code ListenRainServerBuilder.onOutOfMemoryError} replaces it; the replacement
 * should not allocate much.
 */
final class OutOfMemoryPolicy {
  /** The exit status of a server halted by the default action: 3, as the JVM's {@code -XX:+ExitOnOutOfMemoryError}. */
  static final int EXIT_CODE = 3;

  private OutOfMemoryPolicy() {}

  /** The default action: one line on standard error (best effort), then {@link Runtime#halt} with {@link #EXIT_CODE}. */
  static void halt(OutOfMemoryError e) {
    try {
      System.err.println("ListenRain server: OutOfMemoryError (" + e.getMessage() + "), halting with exit code "
          + EXIT_CODE);
    } finally {
      Runtime.getRuntime().halt(EXIT_CODE);
    }
  }

  /** Runs {@code action} for an OutOfMemoryError thrown by {@code r}, then rethrows it. */
  static void run(Runnable r, Consumer<? super OutOfMemoryError> action) {
    try {
      r.run();
    } catch (OutOfMemoryError e) {
      action.accept(e);
      throw e;
    }
  }

  /** {@code executor}, with {@code action} run for an OutOfMemoryError thrown by any task. */
  static Executor guard(Executor executor, Consumer<? super OutOfMemoryError> action) {
    return task -> executor.execute(() -> run(task, action));
  }

  /** An interceptor that runs {@code action} for an OutOfMemoryError thrown in the application's call paths. */
  static ServerInterceptor interceptor(Consumer<? super OutOfMemoryError> action) {
    return new ServerInterceptor() {
      @Override
      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
          ServerCallHandler<ReqT, RespT> next) {
        ServerCall<ReqT, RespT> guarded = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void sendMessage(RespT message) {
            run(() -> super.sendMessage(message), action);
          }
        };
        ServerCall.Listener<ReqT> listener;
        try {
          listener = next.startCall(guarded, headers);
        } catch (OutOfMemoryError e) {
          action.accept(e);
          throw e;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
          @Override
          public void onMessage(ReqT message) {
            run(() -> super.onMessage(message), action);
          }

          @Override
          public void onHalfClose() {
            run(super::onHalfClose, action);
          }

          @Override
          public void onCancel() {
            run(super::onCancel, action);
          }

          @Override
          public void onComplete() {
            run(super::onComplete, action);
          }

          @Override
          public void onReady() {
            run(super::onReady, action);
          }
        };
      }
    };
  }
}
