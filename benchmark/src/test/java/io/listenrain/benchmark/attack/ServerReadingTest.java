package io.listenrain.benchmark.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerReadingTest {
  @Test
  void aReadingCrossesTheProcessBoundaryUnchanged() {
    ServerReading r = new ServerReading(123_456_789L, 4_194_304L, 500_000_000L, 20_000, 17);
    assertThat(ServerReading.parse(r.format())).isEqualTo(r);
    assertThat(r.heldBytes()).isEqualTo(123_456_789L + 4_194_304L);
  }

  @Test
  void aLineThatIsNotAReadingIsRefused() {
    assertThatThrownBy(() -> ServerReading.parse("WARNING: something the server logged"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a server reading");
  }
}
