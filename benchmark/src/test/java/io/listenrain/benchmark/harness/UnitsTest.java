package io.listenrain.benchmark.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UnitsTest {

  @Test
  void sizesParseInBinaryMultiples() {
    assertThat(Units.parseBytes("4096")).isEqualTo(4096);
    assertThat(Units.parseBytes("4k")).isEqualTo(4096);
    assertThat(Units.parseBytes("256KiB")).isEqualTo(256 * 1024);
    assertThat(Units.parseBytes("4m")).isEqualTo(4 << 20);
    assertThat(Units.parseBytes("4MB")).isEqualTo(4 << 20);
    assertThatThrownBy(() -> Units.parseBytes("four")).hasMessageContaining("not a size");
  }

  @Test
  void sizesPrintExactWhenRound() {
    assertThat(Units.bytes(4096)).isEqualTo("4 KiB");
    assertThat(Units.bytes(4 << 20)).isEqualTo("4 MiB");
    assertThat(Units.bytes(1500)).isEqualTo("1.5 KiB");
    assertThat(Units.bytes(100)).isEqualTo("100 B");
  }

  @Test
  void durationsPickTheirUnit() {
    assertThat(Units.nanos(-1)).isEqualTo("-");
    assertThat(Units.nanos(850)).isEqualTo("850 ns");
    assertThat(Units.nanos(312_400)).isEqualTo("312 us");
    assertThat(Units.nanos(4_200_000)).isEqualTo("4.2 ms");
  }
}
