package io.listenrain.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@link StateMachinePool} contract, run against every built-in pool. */
class StateMachinePoolsTest {

  static Stream<Arguments> pools() {
    Supplier<StateMachinePool<StateMachine<String>>> concurrent = StateMachinePools::concurrent;
    Supplier<StateMachinePool<StateMachine<String>>> striped = StateMachinePools::striped;
    return Stream.of(Arguments.of("concurrent", concurrent), Arguments.of("striped", striped));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pools")
  void onlyOneRemoverWinsAnEntry(String name, Supplier<StateMachinePool<StateMachine<String>>> pools) {
    StateMachinePool<StateMachine<String>> pool = pools.get();
    SyncStateMachine<String> a = new SyncStateMachine<>();
    SyncStateMachine<String> b = new SyncStateMachine<>();
    assertThat(pool.putIfAbsent(1, a)).isNull();
    assertThat(pool.putIfAbsent(1, b)).isSameAs(a);
    assertThat(pool.remove(1, b)).isFalse();
    assertThat(pool.remove(1, a)).isTrue();
    assertThat(pool.remove(1)).isNull();
    assertThat(pool.size()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pools")
  void forEachVisitsEveryEntryWithItsId(String name, Supplier<StateMachinePool<StateMachine<String>>> pools) {
    StateMachinePool<StateMachine<String>> pool = pools.get();
    Map<Long, StateMachine<String>> expected = new HashMap<>();
    for (long id : new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 40}) {
      SyncStateMachine<String> sm = new SyncStateMachine<>();
      pool.putIfAbsent(id, sm);
      expected.put(id, sm);
    }
    for (long i = 2; i < 100; i++) {
      SyncStateMachine<String> sm = new SyncStateMachine<>();
      pool.putIfAbsent(i, sm);
      expected.put(i, sm);
    }
    Map<Long, StateMachine<String>> seen = new HashMap<>();
    pool.forEach(seen::put);
    assertThat(seen).isEqualTo(expected);
    assertThat(pool.size()).isEqualTo(expected.size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pools")
  void forEachActionMayRemoveEntries(String name, Supplier<StateMachinePool<StateMachine<String>>> pools) {
    StateMachinePool<StateMachine<String>> pool = pools.get();
    for (long i = 0; i < 1000; i++) {
      pool.putIfAbsent(i, new SyncStateMachine<>());
    }
    AtomicInteger removed = new AtomicInteger();
    pool.forEach((id, sm) -> {
      if (pool.remove(id, sm)) {
        removed.incrementAndGet();
      }
    });
    assertThat(removed.get()).isEqualTo(1000);
    assertThat(pool.size()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pools")
  void racingRemoversEndEachEntryExactlyOnce(String name, Supplier<StateMachinePool<StateMachine<String>>> pools)
      throws InterruptedException {
    StateMachinePool<StateMachine<String>> pool = pools.get();
    int entries = 20_000;
    SyncStateMachine<String> sm = new SyncStateMachine<>();
    for (long i = 0; i < entries; i++) {
      pool.putIfAbsent(i, sm);
    }
    AtomicInteger wins = new AtomicInteger();
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      boolean conditional = t % 2 == 0;
      threads[t] = new Thread(() -> {
        for (long i = 0; i < entries; i++) {
          if (conditional ? pool.remove(i, sm) : pool.remove(i) != null) {
            wins.incrementAndGet();
          }
        }
      });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join(60_000);
    }
    assertThat(wins.get()).isEqualTo(entries);
    assertThat(pool.size()).isZero();
  }
}
