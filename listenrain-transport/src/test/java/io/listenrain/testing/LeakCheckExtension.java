package io.listenrain.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class whose tests leaked a Netty buffer. Registered for every test class through JUnit's extension
 * autodetection (see {@code META-INF/services}). After the class it collects garbage, nudges Netty's detector (which
 * reports leaks only when a buffer is allocated), and fails if {@link RecordingLeakDetector} saw any leak.
 */
public final class LeakCheckExtension implements AfterAllCallback {
  @Override
  public void afterAll(ExtensionContext context) throws Exception {
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
      throw new AssertionError(leaks.size() + " buffer leak(s) in " + context.getDisplayName() + ":\n"
          + String.join("\n", leaks));
    }
  }
}
