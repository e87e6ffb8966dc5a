package io.listenrain.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StateMachinePoolsTest {

  @Test
  void onlyOneRemoverWinsAnEntry() {
    StateMachinePool<String> pool = StateMachinePools.concurrent();
    SyncStateMachine<String> a = new SyncStateMachine<>();
    SyncStateMachine<String> b = new SyncStateMachine<>();
    assertThat(pool.putIfAbsent(1, a)).isNull();
    assertThat(pool.putIfAbsent(1, b)).isSameAs(a);
    assertThat(pool.remove(1, b)).isFalse();
    assertThat(pool.remove(1, a)).isTrue();
    assertThat(pool.remove(1)).isNull();
    assertThat(pool.size()).isZero();
  }

  @Test
  void forEachVisitsEveryEntry() {
    StateMachinePool<String> pool = StateMachinePools.concurrent();
    for (long i = 0; i < 100; i++) {
      pool.putIfAbsent(i, new SyncStateMachine<>());
    }
    AtomicInteger n = new AtomicInteger();
    pool.forEach((id, sm) -> n.incrementAndGet());
    assertThat(n.get()).isEqualTo(100);
  }
}
