package io.listenrain.benchmark.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CallLedgerTest {
  private static final long LOST_AFTER = TimeUnit.SECONDS.toNanos(15);

  private final AtomicLong now = new AtomicLong(1_000);
  private final CallLedger ledger = new CallLedger(now::get, LOST_AFTER);

  @Test
  void callsAnsweredWithTheirOwnIdsAreOkAndTheBooksAreClean() {
    long a = ledger.begin(CallKind.GRPC_UNARY);
    long b = ledger.begin(CallKind.NATIVE);
    ledger.succeeded(b, b);
    ledger.succeeded(a, a);

    CallLedger.Snapshot s = ledger.snapshot();
    assertThat(a).isNotEqualTo(b);
    assertThat(s.ok()).containsEntry(CallKind.GRPC_UNARY, 1L).containsEntry(CallKind.NATIVE, 1L);
    assertThat(s.totalSent()).isEqualTo(2);
    assertThat(s.inFlight()).isZero();
    assertThat(s.clean()).isTrue();
  }

  @Test
  void aSecondEndingOfTheSameCallIsCountedAsDuplicated() {
    long id = ledger.begin(CallKind.NATIVE);
    ledger.succeeded(id, id);
    ledger.succeeded(id, id);
    ledger.failed(id, new Failure("UNAVAILABLE", true));

    CallLedger.Snapshot s = ledger.snapshot();
    assertThat(s.duplicated()).isEqualTo(2);
    assertThat(s.totalOk()).isEqualTo(1);
    assertThat(s.totalFailed()).isZero();
    assertThat(s.clean()).isFalse();
  }

  @Test
  void aResponseCarryingAnotherCallsIdIsMisroutedAndNotOk() {
    long a = ledger.begin(CallKind.GRPC_UNARY);
    long b = ledger.begin(CallKind.GRPC_UNARY);
    ledger.succeeded(a, b);

    CallLedger.Snapshot s = ledger.snapshot();
    assertThat(s.misrouted()).isEqualTo(1);
    assertThat(s.totalOk()).isZero();
    assertThat(s.inFlight()).isEqualTo(1); // b is still waiting for its own answer
    assertThat(s.clean()).isFalse();
  }

  @Test
  void anEndingForAnIdNeverIssuedIsMisrouted() {
    ledger.begin(CallKind.NATIVE);
    ledger.succeeded(99, 99);
    ledger.failed(-1, new Failure("UNAVAILABLE", true));

    assertThat(ledger.snapshot().misrouted()).isEqualTo(2);
    assertThat(ledger.snapshot().duplicated()).isZero();
  }

  @Test
  void aCallWithNoEndingIsLostOnlyOnceItsDeadlineAndSlackHavePassed() {
    long id = ledger.begin(CallKind.GRPC_STREAM);
    now.addAndGet(LOST_AFTER - 1);
    assertThat(ledger.sweep()).isZero();
    assertThat(ledger.snapshot().lost()).isZero();

    now.addAndGet(1);
    assertThat(ledger.sweep()).isEqualTo(1);
    assertThat(ledger.sweep()).isZero();
    CallLedger.Snapshot s = ledger.snapshot();
    assertThat(s.lost()).isEqualTo(1);
    assertThat(s.inFlight()).isZero();
    assertThat(s.clean()).isFalse();

    ledger.succeeded(id, id); // the answer finally comes: late, not a duplicate and not ok
    s = ledger.snapshot();
    assertThat(s.late()).isEqualTo(1);
    assertThat(s.duplicated()).isZero();
    assertThat(s.totalOk()).isZero();
  }

  @Test
  void retryableFailuresAreCountedByKindAndReasonWithoutViolations() {
    ledger.failed(ledger.begin(CallKind.GRPC_UNARY), new Failure("UNAVAILABLE", true));
    ledger.failed(ledger.begin(CallKind.GRPC_UNARY), new Failure("UNAVAILABLE", true));
    ledger.failed(ledger.begin(CallKind.NATIVE), new Failure("ConnectionClosedException", true));

    CallLedger.Snapshot s = ledger.snapshot();
    assertThat(s.failures()).containsEntry("grpc-unary UNAVAILABLE", 2L)
        .containsEntry("native ConnectionClosedException", 1L).hasSize(2);
    assertThat(s.totalViolations()).isZero();
    assertThat(s.clean()).isTrue();
  }

  @Test
  void aNonRetryableFailureOrABrokenStreamIsAViolation() {
    ledger.failed(ledger.begin(CallKind.GRPC_UNARY), new Failure("DEADLINE_EXCEEDED", false));
    ledger.violation(ledger.begin(CallKind.GRPC_STREAM), "stream completed after 3 messages");

    CallLedger.Snapshot s = ledger.snapshot();
    assertThat(s.violations()).containsEntry("grpc-unary DEADLINE_EXCEEDED", 1L)
        .containsEntry("grpc-stream stream completed after 3 messages", 1L);
    assertThat(s.failures()).containsOnlyKeys("grpc-unary DEADLINE_EXCEEDED");
    assertThat(s.clean()).isFalse();
  }

  @Test
  void racingEndingsOfTheSameCallsCountExactlyOneEndingEachAndTheRestAsDuplicates() throws Exception {
    int calls = 10_000;
    long[] ids = new long[calls];
    for (int i = 0; i < calls; i++) {
      ids[i] = ledger.begin(CallKind.NATIVE);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        boolean fail = t % 2 == 1;
        done.add(pool.submit(() -> {
          for (long id : ids) {
            if (fail) {
              ledger.failed(id, new Failure("UNAVAILABLE", true));
            } else {
              ledger.succeeded(id, id);
            }
          }
        }));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    CallLedger.Snapshot s = ledger.snapshot();
    assertThat(s.totalOk() + s.totalFailed()).isEqualTo(calls);
    assertThat(s.duplicated()).isEqualTo(3L * calls);
    assertThat(s.inFlight()).isZero();
  }
}
