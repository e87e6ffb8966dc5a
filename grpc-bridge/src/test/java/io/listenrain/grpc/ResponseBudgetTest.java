package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The response budget's rule on its own: saturation at the budget, release below half, writes refused at twice. */
class ResponseBudgetTest {
  @Test
  void saturatesAtTheBudgetAndRefusesWritesOnlyFromTwiceTheBudget() {
    ResponseBudget b = new ResponseBudget(100);
    assertThat(b.admit(99)).isTrue();
    assertThat(b.saturated()).isFalse();
    assertThat(b.admit(100)).as("at the budget: saturated, still admitted").isTrue();
    assertThat(b.saturated()).isTrue();
    assertThat(b.saturations()).isEqualTo(1);
    assertThat(b.admit(199)).isTrue();
    assertThat(b.admit(200)).as("twice the budget").isFalse();
    assertThat(b.refusedWrites()).isEqualTo(1);
    assertThat(b.saturations()).as("one saturation until released").isEqualTo(1);
  }

  @Test
  void staysSaturatedUntilTheQueueFallsBelowHalf() {
    ResponseBudget b = new ResponseBudget(101);
    b.admit(101);
    assertThat(b.drained(51)).as("51 is half of 101, rounded up").isFalse();
    assertThat(b.saturated()).isTrue();
    assertThat(b.drained(50)).isTrue();
    assertThat(b.saturated()).isFalse();
    assertThat(b.drained(0)).as("released once").isFalse();
    b.admit(101);
    assertThat(b.saturations()).isEqualTo(2);
  }

  @Test
  void offNeverSaturatesAndABadBudgetIsRefused() {
    ResponseBudget off = new ResponseBudget(Long.MAX_VALUE);
    assertThat(off.admit(Long.MAX_VALUE - 1)).isTrue();
    assertThat(off.saturated()).isFalse();
    assertThatThrownBy(() -> new ResponseBudget(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
