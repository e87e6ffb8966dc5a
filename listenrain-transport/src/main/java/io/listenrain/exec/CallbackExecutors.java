package io.listenrain.exec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Executors for user callbacks ({@code StateMachine.process/timeout}, server routers): the place user code runs, so
 * that it never runs on an I/O thread.
 *
 * <ul>
 *   <li>{@link #defaultExecutor()}: a shared pool of daemon threads, bounded in size (the knob
 *       {@code -Dlistenrain.callbackThreads}, default twice the processors, at least 4).</li>
 *   <li>{@link #direct()}: runs the task on the calling thread. For tests and for callbacks that are trivially short
 *       and never block (then it saves a thread hop); never for user code that may block.</li>
 *   <li>{@link #virtualThreads()}: one virtual thread per task when the JVM has them (Java 21+), found by reflection
 *       so this library still runs on Java 17.</li>
 * </ul>
 */
public final class CallbackExecutors {
  /** Default size of the shared callback pool. */
  public static final int DEFAULT_THREADS = Math.max(4, Integer.getInteger("listenrain.callbackThreads",
      2 * Runtime.getRuntime().availableProcessors()));

  private CallbackExecutors() {}

  /** The shared bounded pool of daemon threads named {@code listenrain-callback-N}. */
  public static Executor defaultExecutor() {
    return DefaultHolder.POOL;
  }

  /** Runs each task at once on the calling thread. */
  public static Executor direct() {
    return Direct.INSTANCE;
  }

  /**
   * A new bounded pool of {@code threads} daemon threads. The caller owns it and shuts it down.
   */
  public static ExecutorService newPool(String namePrefix, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be positive: " + threads);
    }
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), new DaemonFactory(namePrefix));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** A virtual-thread-per-task executor if this JVM has virtual threads, else empty. */
  public static Optional<ExecutorService> virtualThreads() {
    return Optional.ofNullable(VirtualHolder.FACTORY).map(CallbackExecutors::newVirtual);
  }

  /** Virtual threads where available, else the {@linkplain #defaultExecutor() default pool}. */
  public static Executor bestAvailable() {
    return VirtualHolder.SHARED != null ? VirtualHolder.SHARED : defaultExecutor();
  }

  private static ExecutorService newVirtual(java.lang.invoke.MethodHandle factory) {
    try {
      return (ExecutorService) factory.invoke();
    } catch (Throwable t) {
      throw new IllegalStateException("cannot create a virtual-thread executor", t);
    }
  }

  private static final class DefaultHolder {
    static final ExecutorService POOL = newPool("listenrain-callback", DEFAULT_THREADS);
  }

  private static final class VirtualHolder {
    static final java.lang.invoke.MethodHandle FACTORY = lookup();
    static final ExecutorService SHARED = FACTORY == null ? null : newVirtual(FACTORY);

    private static java.lang.invoke.MethodHandle lookup() {
      try {
        return MethodHandles.publicLookup().findStatic(java.util.concurrent.Executors.class,
            "newVirtualThreadPerTaskExecutor", MethodType.methodType(ExecutorService.class));
      } catch (NoSuchMethodException | IllegalAccessException e) {
        return null; // Java 17-20: no virtual threads.
      }
    }
  }

  private enum Direct implements Executor {
    INSTANCE;

    @Override
    public void execute(Runnable command) {
      command.run();
    }

    @Override
    public String toString() {
      return "CallbackExecutors.direct()";
    }
  }

  private static final class DaemonFactory implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger next = new AtomicInteger();

    DaemonFactory(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, prefix + "-" + next.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }
}
