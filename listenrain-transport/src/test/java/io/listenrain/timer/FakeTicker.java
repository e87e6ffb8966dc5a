package io.listenrain.timer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A ticker that moves only when a test advances it. Starts near Long.MAX_VALUE's wrap point to catch overflow. */
public final class FakeTicker implements Ticker {
  private final AtomicLong now;

  public FakeTicker() {
    this(Long.MAX_VALUE - Duration.ofHours(1).toNanos());
  }

  public FakeTicker(long start) {
    this.now = new AtomicLong(start);
  }

  @Override
  public long nanoTime() {
    return now.get();
  }

  public void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }
}
