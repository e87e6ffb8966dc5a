package io.listenrain.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Proves the leak check can fail: a buffer dropped without release is reported to {@link RecordingLeakDetector}.
 * The test then drains the record it provoked, so {@link LeakCheckExtension} does not fail this class.
 */
class LeakCheckSelfTest {

  @Test
  void aDroppedBufferIsRecordedAsALeak() {
    assumeTrue(RecordingLeakDetector.installed(), "the surefire argLine installs the recording detector");
    assertThat(RecordingLeakDetector.drain()).as("no leak before the deliberate one").isEmpty();
    leakOne();
    List<String> leaks = new ArrayList<>();
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
      System.gc();
      ByteBuf probe = PooledByteBufAllocator.DEFAULT.buffer(1); // the detector reports on allocation
      probe.release();
      leaks.addAll(RecordingLeakDetector.drain());
      return !leaks.isEmpty();
    });
    assertThat(leaks).anySatisfy(l -> assertThat(l).contains("LEAK").contains("leakOne"));
  }

  @SuppressWarnings("unused") // deliberately dropped without release: this is the leak under test
  private static void leakOne() {
    ByteBuf leaked = PooledByteBufAllocator.DEFAULT.buffer(64);
    leaked.writeLong(0xDEADBEEFL);
    leaked.touch("leakOne");
  }
}
