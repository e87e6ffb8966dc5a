package io.listenrain.benchmark.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SoakOptionsTest {

  @Test
  void defaultsAreTheTenMinuteRunOfTheIssue() {
    SoakOptions o = SoakOptions.parse(List.of());
    assertThat(o.duration).isEqualTo(Duration.ofMinutes(10));
    assertThat(o.restartEvery).isEqualTo(Duration.ofMinutes(1));
    assertThat(o.killEvery).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void flagsOverrideAndDurationsTakeUnits() {
    SoakOptions o = SoakOptions.parse(List.of("--duration", "20s", "--restart-every", "0", "--kill-every", "500ms",
        "--clients", "2"));
    assertThat(o.duration).isEqualTo(Duration.ofSeconds(20));
    assertThat(o.restartEvery).isZero();
    assertThat(o.killEvery).isEqualTo(Duration.ofMillis(500));
    assertThat(o.clients).isEqualTo(2);
  }

  @Test
  void badFlagsAreRejectedWithTheirName() {
    assertThatThrownBy(() -> SoakOptions.parse(List.of("--payload", "4"))).hasMessageContaining("--payload");
    assertThatThrownBy(() -> SoakOptions.parse(List.of("--duration", "10 minutes"))).hasMessageContaining("duration");
    assertThatThrownBy(() -> SoakOptions.parse(List.of("--nope", "1"))).hasMessageContaining("--nope");
  }
}
