package io.listenrain.timer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeadlineTimerTest {

  @Test
  void expiresDueEntriesEarliestFirstAndLeavesTheRest() {
    FakeTicker ticker = new FakeTicker();
    DeadlineTimer<String> timer = new DeadlineTimer<>(ticker);
    timer.schedule(ms(30), "c");
    timer.schedule(ms(10), "a");
    timer.schedule(ms(20), "b");
    timer.schedule(ms(40), "d");
    List<String> fired = new ArrayList<>();

    assertThat(timer.expire(fired::add)).isZero();
    ticker.advance(Duration.ofMillis(25));
    assertThat(timer.expire(fired::add)).isEqualTo(2);

    assertThat(fired).containsExactly("a", "b");
    assertThat(timer.size()).isEqualTo(2);
    assertThat(timer.nanosUntilNext(ticker.nanoTime())).isEqualTo(ms(5));
  }

  @Test
  void cancelRemovesAnEntryFromAnywhereInTheHeap() {
    FakeTicker ticker = new FakeTicker();
    DeadlineTimer<Integer> timer = new DeadlineTimer<>(ticker);
    Random random = new Random(42);
    List<DeadlineTimer.Entry<Integer>> entries = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      entries.add(timer.schedule(random.nextInt(1_000_000), i));
    }
    for (int i = 0; i < 1000; i += 2) {
      assertThat(timer.cancel(entries.get(i))).isTrue();
      assertThat(entries.get(i).isScheduled()).isFalse();
    }
    assertThat(timer.cancel(entries.get(0))).as("second cancel").isFalse();
    ticker.advance(Duration.ofSeconds(1));
    List<Integer> fired = new ArrayList<>();
    timer.expire(fired::add);

    assertThat(fired).hasSize(500).allMatch(i -> i % 2 == 1);
    long previous = Long.MIN_VALUE;
    for (int i : fired) {
      long deadline = entries.get(i).deadline;
      assertThat(deadline).isGreaterThanOrEqualTo(previous);
      previous = deadline;
    }
    assertThat(timer.isEmpty()).isTrue();
  }

  @Test
  void maxValueDelayNeverFiresEvenWhenTheTickerIsNearOverflow() {
    FakeTicker ticker = new FakeTicker(Long.MAX_VALUE - 10);
    DeadlineTimer<String> timer = new DeadlineTimer<>(ticker);
    timer.schedule(Long.MAX_VALUE, "never");
    timer.schedule(100, "soon");
    ticker.advance(Duration.ofNanos(1000)); // the raw reading wraps negative here
    List<String> fired = new ArrayList<>();
    timer.expire(fired::add);

    assertThat(fired).containsExactly("soon");
    assertThat(timer.size()).isEqualTo(1);
  }

  @Test
  void scheduleFromAnEarlierReadingCountsFromThatReading() {
    FakeTicker ticker = new FakeTicker();
    DeadlineTimer<String> timer = new DeadlineTimer<>(ticker);
    long start = ticker.nanoTime();
    ticker.advance(Duration.ofMillis(8));
    timer.scheduleFrom(start, ms(10), "x");
    ticker.advance(Duration.ofMillis(2));
    List<String> fired = new ArrayList<>();
    timer.expire(fired::add);

    assertThat(fired).containsExactly("x");
  }

  @Test
  void saturatedAddClampsInsteadOfWrapping() {
    assertThat(DeadlineTimer.saturatedAdd(Long.MAX_VALUE - 1, 5)).isEqualTo(Long.MAX_VALUE);
    assertThat(DeadlineTimer.saturatedAdd(Long.MIN_VALUE + 1, -5)).isEqualTo(Long.MIN_VALUE);
    assertThat(DeadlineTimer.saturatedAdd(3, 4)).isEqualTo(7);
  }

  private static long ms(long millis) {
    return Duration.ofMillis(millis).toNanos();
  }
}
