package io.listenrain.interop;

import io.listenrain.testing.RecordingLeakDetector;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.junit.rules.ExternalResource;

/**
 * The JUnit 4 twin of {@code LeakCheckExtension}: the interop suites are JUnit 4 classes (run by the vintage engine),
 * which Jupiter extensions do not reach. Used as a {@code @ClassRule}: after the class it collects garbage, makes Netty's
 * detector look (it reports only on allocation), and fails the class if {@link RecordingLeakDetector} saw a leak.
 */
public final class BufferLeakRule extends ExternalResource {
  @Override
  protected void before() {
    RecordingLeakDetector.drain(); // leaks of earlier classes in this fork are theirs, not ours
  }

  @Override
  protected void after() {
    if (!RecordingLeakDetector.installed()) {
      return;
    }
    for (int i = 0; i < 3; i++) {
      System.gc();
      for (int j = 0; j < 64; j++) {
        ByteBuf probe = PooledByteBufAllocator.DEFAULT.buffer(1);
        probe.release();
      }
    }
    List<String> leaks = RecordingLeakDetector.drain();
    if (!leaks.isEmpty()) {
      throw new AssertionError(leaks.size() + " buffer leak(s):\n" + String.join("\n", leaks));
    }
  }
}
