package io.listenrain.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

  @Test
  void withoutFlagsTheFullMatrixRuns() {
    BenchOptions o = BenchOptions.parse(List.of());
    assertThat(o.payloads).containsExactly(4096, 32768, 262144, 4194304);
    assertThat(o.parallel).containsExactly(1, 4, 16, 64);
    assertThat(o.big).isFalse();
    assertThat(o.out).isEqualTo(Path.of("bench-results"));
  }

  @Test
  void explicitFlagsOverrideQuick() {
    BenchOptions o = BenchOptions.parse(List.of("--quick", "--payloads", "1k,2m", "--measure=3s", "--warmup", "0"));
    assertThat(o.payloads).containsExactly(1024, 2 << 20);
    assertThat(o.parallel).isEqualTo(BenchOptions.QUICK_PARALLEL);
    assertThat(o.measure).isEqualTo(Duration.ofSeconds(3));
    assertThat(o.warmup).isZero();
  }

  @Test
  void streamsCanBeSkippedAndContendersListed() {
    BenchOptions o = BenchOptions.parse(List.of("--stream-parallel", "none", "--contenders", "a, b/direct", "--big"));
    assertThat(o.streamParallel).isEmpty();
    assertThat(o.contenders).containsExactly("a", "b/direct");
    assertThat(o.big).isTrue();
  }

  @Test
  void badInputIsRejectedWithAReadableMessage() {
    assertThatThrownBy(() -> BenchOptions.parse(List.of("--fast"))).hasMessageContaining("unknown option '--fast'");
    assertThatThrownBy(() -> BenchOptions.parse(List.of("--parallel", "0"))).hasMessageContaining(">= 1");
    assertThatThrownBy(() -> BenchOptions.parse(List.of("--measure", "0s"))).hasMessageContaining("out of range");
    assertThatThrownBy(() -> BenchOptions.parse(List.of("--out"))).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> BenchOptions.parse(List.of("--quick=yes"))).hasMessageContaining("takes no value");
    assertThatThrownBy(() -> BenchOptions.parse(List.of("--baseline", "kqueue"))).hasMessageContaining("nio or epoll");
  }

  @Test
  void durationsAcceptMillisecondsSecondsAndBareNumbers() {
    assertThat(BenchOptions.duration("500ms", false)).isEqualTo(Duration.ofMillis(500));
    assertThat(BenchOptions.duration("1.5s", false)).isEqualTo(Duration.ofMillis(1500));
    assertThat(BenchOptions.duration("2", false)).isEqualTo(Duration.ofSeconds(2));
  }
}
