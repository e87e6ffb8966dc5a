package io.listenrain.benchmark.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ResourceTrendTest {
  private static final long MIB = 1024 * 1024;

  private static ResourceSample at(long seconds, long heapMib, long fds, int threads) {
    return new ResourceSample(TimeUnit.SECONDS.toNanos(seconds), heapMib * MIB, fds, threads);
  }

  @Test
  void flatResourcesAcrossTenMinutesAreWithinBounds() {
    ResourceTrend t = new ResourceTrend();
    for (int s = 0; s <= 600; s += 10) {
      t.add(at(s, 40 + (s / 10) % 3, 100 + (s / 10) % 2, 60));
    }
    ResourceTrend.Growth g = t.growth();
    assertThat(g.heapBytes()).isZero();
    assertThat(g.fds()).isZero();
    assertThat(g.threads()).isZero();
    assertThat(g.withinBounds()).isTrue();
  }

  @Test
  void aSteadyLeakOfDescriptorsFailsTheBound() {
    ResourceTrend t = new ResourceTrend();
    for (int s = 0; s <= 600; s += 10) {
      t.add(at(s, 40, 100 + s / 10, 60)); // one descriptor every 10 s
    }
    ResourceTrend.Growth g = t.growth();
    assertThat(g.fds()).isEqualTo(60 - 6);
    assertThat(g.withinBounds()).isFalse();
  }

  @Test
  void heapGrowthBeyondTheBoundBetweenFirstAndLastMinuteFails() {
    ResourceTrend t = new ResourceTrend();
    t.add(at(0, 40, 100, 60));
    t.add(at(60, 40, 100, 60));
    t.add(at(300, 60, 100, 60));
    t.add(at(600, 40 + 33, 100, 60));
    assertThat(t.growth().heapBytes()).isEqualTo(33 * MIB);
    assertThat(t.growth().withinBounds()).isFalse();
  }
}
