package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The budgets' arithmetic, on a fake clock. The socket-level attacks are in {@code ServerAbuseTest}. */
class AbusePolicyTest {
  private final AtomicLong now = new AtomicLong(1_000);

  private AbusePolicy policy(java.util.function.Consumer<TransportConfig> c) {
    TransportConfig config = new TransportConfig();
    c.accept(config);
    return new AbusePolicy(config, now::get);
  }

  @Test
  void resetsUpToTheBudgetPassAndTheNextOneInTheSameWindowFails() {
    AbusePolicy p = policy(c -> {
      c.maxRstPerWindow = 3;
      c.rstWindowNanos = TimeUnit.SECONDS.toNanos(10);
    });
    p.reset();
    p.reset();
    now.addAndGet(TimeUnit.SECONDS.toNanos(9));
    p.reset();
    assertThatThrownBy(p::reset).isInstanceOfSatisfying(PeerAbuseException.class,
        e -> assertThat(e.errorCode()).isEqualTo(Wire.ENHANCE_YOUR_CALM));
  }

  @Test
  void aWeightedResetCountsItsWeightAtOnce() {
    AbusePolicy p = policy(c -> {
      c.maxRstPerWindow = 10;
      c.rstWindowNanos = TimeUnit.SECONDS.toNanos(10);
    });
    p.reset(4);
    p.reset(4);
    p.reset(2); // exactly 10
    assertThatThrownBy(p::reset).isInstanceOf(PeerAbuseException.class);
    now.addAndGet(TimeUnit.SECONDS.toNanos(10));
    assertThatThrownBy(() -> p.reset(11)).isInstanceOf(PeerAbuseException.class);
  }

  @Test
  void aNewWindowStartsTheCountAfresh() {
    AbusePolicy p = policy(c -> {
      c.maxRstPerWindow = 2;
      c.rstWindowNanos = TimeUnit.SECONDS.toNanos(10);
    });
    for (int window = 0; window < 5; window++) {
      p.reset();
      p.reset();
      now.addAndGet(TimeUnit.SECONDS.toNanos(10));
    }
  }

  @Test
  void aZeroResetBudgetTurnsThePolicyOff() {
    AbusePolicy p = policy(c -> c.maxRstPerWindow = 0);
    for (int i = 0; i < 100_000; i++) {
      p.reset();
    }
  }

  @Test
  void defaultsAreNamedAndOn() {
    TransportConfig c = new TransportConfig();
    assertThat(c.maxRstPerWindow).isEqualTo(AbusePolicy.DEFAULT_MAX_RST_PER_WINDOW).isEqualTo(1_000);
    assertThat(c.rstWindowNanos).isEqualTo(TimeUnit.SECONDS.toNanos(10));
    assertThat(c.maxConsecutiveEmptyData).isEqualTo(2);
    assertThat(c.maxTinyDataFrames).isEqualTo(1_024);
    assertThat(c.maxQueuedReplies).isEqualTo(10_000);
    assertThat(c.handshakeTimeoutNanos).isEqualTo(TimeUnit.SECONDS.toNanos(20));
  }

  @Test
  void emptyDataFramesCountOnlyInARowAndEndStreamIsFree() {
    AbusePolicy p = policy(c -> { });
    for (int i = 0; i < 1_000; i++) {
      p.data(0, false);
      p.data(0, false);
      p.data(10, false); // a non-empty frame ends the run
      p.data(0, true); // a half-close is never counted
    }
    p.data(0, false);
    p.data(0, false);
    assertThatThrownBy(() -> p.data(0, false)).isInstanceOfSatisfying(PeerAbuseException.class,
        e -> assertThat(e.errorCode()).isEqualTo(Wire.PROTOCOL_ERROR));
  }

  @Test
  void tinyFragmentsSpendABurstThatDataEarnsBack() {
    AbusePolicy p = policy(c -> c.maxTinyDataFrames = 10);
    for (int i = 0; i < 10; i++) {
      p.data(1, false);
    }
    p.data(AbusePolicy.BYTES_PER_TINY_CREDIT * 3, false); // earns 3
    p.data(4, false);
    p.data(3, false);
    p.data(2, false);
    assertThatThrownBy(() -> p.data(1, false)).isInstanceOf(PeerAbuseException.class);
  }

  @Test
  void earnedCreditNeverExceedsTheBurst() {
    AbusePolicy p = policy(c -> c.maxTinyDataFrames = 10);
    p.data(1 << 20, false);
    for (int i = 0; i < 10; i++) {
      p.data(1, false);
    }
    assertThatThrownBy(() -> p.data(1, false)).isInstanceOf(PeerAbuseException.class);
  }

  @Test
  void fiveByteFramesAndFinalFragmentsAreNotTiny() {
    AbusePolicy p = policy(c -> c.maxTinyDataFrames = 0);
    for (int i = 0; i < 10_000; i++) {
      p.data(AbusePolicy.TINY_FRAME_BYTES, false);
      p.data(1, true);
    }
  }

  @Test
  void repliesAreRefusedOnceTheQueueHoldsTheCap() {
    AbusePolicy p = policy(c -> c.maxQueuedReplies = 5);
    p.reply(4);
    assertThatThrownBy(() -> p.reply(5)).isInstanceOfSatisfying(PeerAbuseException.class,
        e -> assertThat(e.errorCode()).isEqualTo(Wire.ENHANCE_YOUR_CALM));
    assertThat(p.peakQueuedAtReply()).isEqualTo(5);
  }
}
