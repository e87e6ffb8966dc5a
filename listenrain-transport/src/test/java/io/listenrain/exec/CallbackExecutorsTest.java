package io.listenrain.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CallbackExecutorsTest {

  @Test
  void directRunsOnTheCallingThread() {
    Thread[] ran = new Thread[1];
    CallbackExecutors.direct().execute(() -> ran[0] = Thread.currentThread());
    assertThat(ran[0]).isSameAs(Thread.currentThread());
  }

  @Test
  void defaultPoolRunsOnNamedDaemonThreads() throws Exception {
    CompletableFuture<Thread> t = new CompletableFuture<>();
    CallbackExecutors.defaultExecutor().execute(() -> t.complete(Thread.currentThread()));
    Thread thread = t.get(5, TimeUnit.SECONDS);
    assertThat(thread.isDaemon()).isTrue();
    assertThat(thread.getName()).startsWith("listenrain-callback-");
  }

  @Test
  void virtualThreadsArePresentExactlyWhenTheJvmHasThem() throws Exception {
    boolean jvmHasThem = Runtime.version().feature() >= 21;
    assertThat(CallbackExecutors.virtualThreads().isPresent()).isEqualTo(jvmHasThem);
    CompletableFuture<String> ran = new CompletableFuture<>();
    CallbackExecutors.bestAvailable().execute(() -> ran.complete("ok"));
    assertThat(ran.get(5, TimeUnit.SECONDS)).isEqualTo("ok");
  }

  @Test
  void newPoolIsBoundedToItsThreadCount() throws Exception {
    ExecutorService pool = CallbackExecutors.newPool("bounded-test", 2);
    try {
      java.util.Set<Thread> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
      java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(50);
      for (int i = 0; i < 50; i++) {
        pool.execute(() -> {
          threads.add(Thread.currentThread());
          done.countDown();
        });
      }
      assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(threads.size()).isLessThanOrEqualTo(2);
    } finally {
      pool.shutdownNow();
    }
  }
}
