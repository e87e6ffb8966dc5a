package io.listenrain.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.listenrain.errors.CallTimeoutException;
import io.listenrain.errors.ConnectionClosedException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class SyncStateMachineTest {

  @Test
  void awaitReturnsTheResponseDeliveredFromAnotherThread() throws Exception {
    SyncStateMachine<String> sm = new SyncStateMachine<>();
    CompletableFuture.runAsync(() -> sm.process(1, "reply"));
    assertThat(sm.await(5, TimeUnit.SECONDS)).isEqualTo("reply");
    assertThat(sm.isDone()).isTrue();
  }

  @Test
  void timeoutAndFailureSurfaceAsTheCause() {
    SyncStateMachine<String> timedOut = new SyncStateMachine<>();
    timedOut.timeout(3);
    assertThatThrownBy(() -> timedOut.await(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(CallTimeoutException.class);
    SyncStateMachine<String> failed = new SyncStateMachine<>();
    failed.failed(3, new ConnectionClosedException("gone"));
    assertThatThrownBy(() -> failed.await(1, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void awaitGivesUpAfterItsOwnBound() {
    SyncStateMachine<String> sm = new SyncStateMachine<>();
    assertThatThrownBy(() -> sm.await(10, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
  }
}
