package io.listenrain.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {

  @Test
  void defaultsAreGrpcsOneSecondTimesOnePointSixCappedAtTwoMinutesWithTwentyPercentJitter() {
    ReconnectPolicy p = ReconnectPolicy.defaults();
    for (int i = 0; i < 1000; i++) {
      assertThat(p.delayNanos(1)).isBetween(TimeUnit.MILLISECONDS.toNanos(800), TimeUnit.MILLISECONDS.toNanos(1200));
      assertThat(p.delayNanos(100)).isBetween(TimeUnit.SECONDS.toNanos(96), TimeUnit.SECONDS.toNanos(144));
    }
    assertThat(p.maxAttempts()).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void jitterSpreadsDelaysOverTheWholeBandSoRedialsDoNotSynchronise() {
    ReconnectPolicy p = ReconnectPolicy.of(Duration.ofMillis(100), Duration.ofSeconds(1), 1.6, 0.2, 10);
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    int[] buckets = new int[4]; // quarters of the ±20 % band
    for (int i = 0; i < 10_000; i++) {
      long d = p.delayNanos(2); // 160 ms ± 32 ms
      min = Math.min(min, d);
      max = Math.max(max, d);
      buckets[(int) Math.min(3, (d - TimeUnit.MILLISECONDS.toNanos(128)) * 4 / TimeUnit.MILLISECONDS.toNanos(64))]++;
    }
    assertThat(min).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(128));
    assertThat(max).isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(192));
    assertThat(max - min).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(60));
    for (int n : buckets) {
      assertThat(n).isGreaterThan(2000); // roughly uniform: 2,500 expected per quarter
    }
  }

  @Test
  void inconsistentSettingsAreRejected() {
    assertThatThrownBy(() -> ReconnectPolicy.of(Duration.ofSeconds(2), Duration.ofSeconds(1), 1.6, 0.2, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReconnectPolicy.of(Duration.ofSeconds(1), Duration.ofSeconds(2), 0.5, 0.2, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReconnectPolicy.of(Duration.ofSeconds(1), Duration.ofSeconds(2), 1.6, 1.0, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReconnectPolicy.of(Duration.ofSeconds(1), Duration.ofSeconds(2), 1.6, 0.2, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
