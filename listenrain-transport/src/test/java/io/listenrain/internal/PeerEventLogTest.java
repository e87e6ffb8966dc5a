package io.listenrain.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.listenrain.timer.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PeerEventLogTest {
  private final Logger logger = Logger.getLogger(PeerEventLogTest.class.getName() + ".probe");
  private final List<LogRecord> records = new ArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      if (isLoggable(r)) {
        records.add(r);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private final FakeTicker ticker = new FakeTicker();
  private final PeerEventLog log = new PeerEventLog(logger, ticker, TimeUnit.SECONDS.toNanos(1));

  @BeforeEach
  void capture() {
    logger.setUseParentHandlers(false);
    logger.addHandler(capture);
    capture.setLevel(Level.ALL);
    logger.setLevel(Level.INFO);
  }

  @AfterEach
  void release() {
    logger.removeHandler(capture);
  }

  @Test
  void aThousandEventsOfOneKindInOneSecondWriteOneLineThenTheNextLineCountsTheRest() {
    for (int i = 0; i < 1000; i++) {
      log.log(Level.WARNING, "disconnect", "peer /127.0.0.1:" + i + " went away", new IllegalStateException("gone"));
    }
    assertThat(records).hasSize(1);
    assertThat(records.get(0).getMessage()).isEqualTo("peer /127.0.0.1:0 went away: IllegalStateException: gone");
    assertThat(records.get(0).getThrown()).as("no stack trace at WARNING").isNull();

    ticker.advance(Duration.ofMillis(999));
    assertThat(log.log(Level.WARNING, "disconnect", "still inside the second", null)).isFalse();
    ticker.advance(Duration.ofMillis(1));
    assertThat(log.log(Level.WARNING, "disconnect", "next second", null)).isTrue();
    assertThat(records).hasSize(2);
    assertThat(records.get(1).getMessage()).isEqualTo("next second (1000 more disconnect events since the last line)");
  }

  @Test
  void kindsAreLimitedSeparately() {
    assertThat(log.log(Level.WARNING, "a", "first a", null)).isTrue();
    assertThat(log.log(Level.WARNING, "b", "first b", null)).isTrue();
    assertThat(log.log(Level.WARNING, "a", "second a", null)).isFalse();
    assertThat(records).extracting(LogRecord::getMessage).containsExactly("first a", "first b");
  }

  @Test
  void theStackTraceGoesToAFineRecordOnlyWhenFineIsOn() {
    logger.setLevel(Level.FINE);
    RuntimeException cause = new RuntimeException("bad frame");
    log.log(Level.WARNING, "frame", "peer sent a bad frame", cause);
    assertThat(records).hasSize(2);
    assertThat(records.get(1).getLevel()).isEqualTo(Level.FINE);
    assertThat(records.get(1).getThrown()).isSameAs(cause);
  }

  @Test
  void aLevelThatIsOffIsNeitherWrittenNorCounted() {
    assertThat(log.log(Level.FINE, "quiet", "not written", null)).isFalse();
    assertThat(log.log(Level.WARNING, "quiet", "written", null)).isTrue();
    assertThat(records).extracting(LogRecord::getMessage).containsExactly("written");
  }

  @Test
  void peerChosenKindsCannotGrowTheTableBeyondItsBound() {
    for (int i = 0; i < 10_000; i++) {
      log.log(Level.WARNING, "kind-" + i, "line " + i, null);
    }
    assertThat(records.size()).isLessThanOrEqualTo(257);
  }
}
