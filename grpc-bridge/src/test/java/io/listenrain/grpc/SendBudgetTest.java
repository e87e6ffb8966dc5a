package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The readiness rule on its own, with a fake clock and a queued-bytes counter the test moves by hand. */
class SendBudgetTest {
  private static final long BUDGET = 1000;
  private static final long HOLD = 50;

  private long now;
  private long queued;
  private final List<Long> wakeUps = new ArrayList<>();
  private final List<String> allocated = new ArrayList<>();
  private final SendBudget budget = new SendBudget(BUDGET, HOLD, () -> now, () -> queued, wakeUps::add);

  private SendBudget.Ticket ticket(String name) {
    return new SendBudget.Ticket(() -> allocated.add(name));
  }

  /** The stream writes {@code bytes}, which then sit in the connection's queue. */
  private void write(SendBudget.Ticket t, int bytes) {
    budget.wrote(t, bytes, true);
    queued += bytes;
  }

  @Test
  void aLoneStreamIsReadyAtOnce() {
    budget.requestReady(ticket("a"));

    assertThat(allocated).containsExactly("a");
    assertThat(budget.waiting()).isZero();
  }

  @Test
  void aBurstIsGrantedOneMessageAtATimeUntilTheBudgetIsFull() {
    SendBudget.Ticket a = ticket("a");
    SendBudget.Ticket b = ticket("b");
    SendBudget.Ticket c = ticket("c");
    SendBudget.Ticket d = ticket("d");
    budget.requestReady(a);
    budget.requestReady(b);
    budget.requestReady(c);
    budget.requestReady(d);
    assertThat(allocated).as("no write seen yet: a grant reserves the whole budget").containsExactly("a");

    write(a, 400);
    budget.pump();
    assertThat(allocated).as("400 queued + 400 reserved for b leave room for c").containsExactly("a", "b", "c");

    write(b, 400);
    budget.pump();
    assertThat(allocated).as("800 queued + 400 reserved for c would pass the budget").containsExactly("a", "b", "c");

    queued -= 300; // written to the socket
    budget.pump();
    assertThat(allocated).containsExactly("a", "b", "c", "d");
    assertThat(budget.waiting()).isZero();
  }

  @Test
  void onceOverTheBudgetGrantsResumeOnlyBelowHalfOfIt() {
    SendBudget.Ticket a = ticket("a");
    SendBudget.Ticket b = ticket("b");
    budget.requestReady(a);
    write(a, 1200);
    budget.requestReady(b);
    assertThat(allocated).containsExactly("a");

    queued = 600; // below the budget, above half of it
    budget.pump();
    assertThat(allocated).containsExactly("a");

    queued = 499;
    budget.pump();
    assertThat(allocated).containsExactly("a", "b");
  }

  @Test
  void aOneByteBudgetReopensOnceTheQueueIsEmpty() {
    SendBudget tiny = new SendBudget(1, HOLD, () -> now, () -> queued, wakeUps::add);
    SendBudget.Ticket a = ticket("a");
    tiny.requestReady(a);
    tiny.wrote(a, 10, true);
    queued = 10;
    tiny.requestReady(ticket("b"));
    assertThat(allocated).containsExactly("a");

    queued = 0;
    tiny.pump();
    assertThat(allocated).containsExactly("a", "b");
  }

  @Test
  void waitingStreamsAreGrantedInTheOrderTheyStarted() {
    SendBudget.Ticket a = ticket("a");
    budget.requestReady(a);
    write(a, 2000);
    for (String n : List.of("b", "c", "d")) {
      budget.requestReady(ticket(n));
    }

    queued = 0;
    budget.pump();
    assertThat(allocated).containsExactly("a", "b");
  }

  @Test
  void aStreamThatWritesWithoutWaitingIsAllocatedOnceAndLeavesTheQueue() {
    SendBudget.Ticket a = ticket("a");
    SendBudget.Ticket b = ticket("b");
    SendBudget.Ticket c = ticket("c");
    budget.requestReady(a);
    write(a, 2000);
    budget.requestReady(b);
    budget.requestReady(c);

    write(c, 10);
    assertThat(allocated).containsExactly("a", "c");
    assertThat(budget.waiting()).isEqualTo(1);

    queued = 0;
    budget.pump();
    write(c, 10);
    assertThat(allocated).containsExactly("a", "c", "b");
  }

  @Test
  void aStreamThatWroteBeforeItWasActiveIsAllocatedWhenActivated() {
    SendBudget.Ticket a = ticket("a");
    budget.requestReady(a); // reserves the whole budget
    SendBudget.Ticket b = ticket("b");
    budget.wrote(b, 10, true);
    assertThat(allocated).containsExactly("a");

    budget.requestReady(b);
    assertThat(allocated).containsExactly("a", "b");
  }

  @Test
  void aStreamClosedWhileWaitingIsNeverAllocated() {
    SendBudget.Ticket a = ticket("a");
    SendBudget.Ticket b = ticket("b");
    SendBudget.Ticket c = ticket("c");
    budget.requestReady(a);
    write(a, 2000);
    budget.requestReady(b);
    budget.requestReady(c);

    budget.closed(b);
    assertThat(budget.waiting()).isEqualTo(1);
    queued = 0;
    budget.pump();
    budget.pump();

    assertThat(allocated).containsExactly("a", "c");
    assertThat(budget.waiting()).isZero();
  }

  @Test
  void aGrantThatIsNotUsedLapsesAfterTheHoldTime() {
    SendBudget.Ticket a = ticket("a");
    budget.requestReady(a); // never writes (a call waiting for the server)
    budget.requestReady(ticket("b"));
    assertThat(allocated).containsExactly("a");
    assertThat(wakeUps).containsExactly(HOLD);

    now += HOLD;
    budget.wakeUp();
    assertThat(allocated).containsExactly("a", "b");
  }

  @Test
  void aReservationLapsesOnlyOnTheWakeUpNeverInAnOrdinaryPump() {
    budget.requestReady(ticket("a")); // its write may still wait behind other I/O-thread commands
    budget.requestReady(ticket("b"));

    now += 10 * HOLD;
    budget.pump();
    budget.requestReady(ticket("c"));
    assertThat(allocated).containsExactly("a");

    budget.wakeUp();
    assertThat(allocated).containsExactly("a", "b");
  }

  @Test
  void afterSmallMessagesAtMostSixteenGrantsAwaitTheirFirstMessage() {
    SendBudget.Ticket a = ticket("a");
    budget.requestReady(a);
    write(a, 1); // small messages so far
    queued = 0;
    for (int i = 0; i < 40; i++) {
      budget.requestReady(ticket("s" + i));
    }
    assertThat(allocated).hasSize(1 + 16);
  }

  @Test
  void aReservationLastsUntilTheMessageIsWhole() {
    SendBudget.Ticket a = ticket("a");
    budget.requestReady(a);
    budget.requestReady(ticket("b"));

    budget.wrote(a, 100, false);
    budget.pump();
    assertThat(allocated).containsExactly("a");

    budget.wrote(a, 100, true);
    budget.pump();
    assertThat(allocated).containsExactly("a", "b");
  }

  @Test
  void aClosedGrantReleasesItsReservation() {
    SendBudget.Ticket a = ticket("a");
    budget.requestReady(a);
    budget.requestReady(ticket("b"));

    budget.closed(a);
    budget.pump();
    assertThat(allocated).containsExactly("a", "b");
  }

  @Test
  void anUnlimitedBudgetAllocatesEveryStreamAtOnce() {
    SendBudget off = new SendBudget(Long.MAX_VALUE, HOLD, () -> now, () -> Long.MAX_VALUE / 2, wakeUps::add);
    for (String n : List.of("a", "b", "c")) {
      off.requestReady(ticket(n));
    }
    assertThat(allocated).containsExactly("a", "b", "c");
  }

  @Test
  void aBudgetMustBePositive() {
    assertThatThrownBy(() -> new SendBudget(0, HOLD, () -> now, () -> queued, wakeUps::add))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
