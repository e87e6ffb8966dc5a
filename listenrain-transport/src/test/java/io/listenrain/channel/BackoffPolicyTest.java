package io.listenrain.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffPolicyTest {

  @Test
  void defaultsAreGrpcs() {
    BackoffPolicy p = BackoffPolicy.defaults();
    assertThat(p.initialDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.multiplier()).isEqualTo(1.6);
    assertThat(p.jitter()).isEqualTo(0.2);
    assertThat(p.maxDelay()).isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void delaysGrowGeometricallyUpToTheCap() {
    BackoffPolicy p = BackoffPolicy.defaults().withRandom(() -> 0.5);
    assertThat(p.delay(0)).isEqualTo(Duration.ofMillis(1000));
    assertThat(p.delay(1)).isEqualTo(Duration.ofMillis(1600));
    assertThat(p.delay(2)).isEqualTo(Duration.ofMillis(2560));
    assertThat(p.delay(100)).isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void jitterStaysWithinItsBand() {
    BackoffPolicy p = BackoffPolicy.defaults();
    for (int i = 0; i < 1000; i++) {
      assertThat(p.delay(3).toNanos()).isBetween((long) (4096e6 * 0.8) - 1, (long) (4096e6 * 1.2) + 1);
    }
    assertThat(p.withRandom(() -> 0.0).delay(0)).isEqualTo(Duration.ofMillis(800));
    assertThat(p.withRandom(() -> 0.75).delay(0)).isEqualTo(Duration.ofMillis(1100));
  }

  @Test
  void inconsistentSettingsAreRejected() {
    BackoffPolicy p = BackoffPolicy.defaults();
    assertThatThrownBy(() -> p.withInitialDelay(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.withMaxDelay(Duration.ofMillis(10))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.withMultiplier(0.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.withJitter(1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.delay(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
