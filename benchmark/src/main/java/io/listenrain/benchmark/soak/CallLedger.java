package io.listenrain.benchmark.soak;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The soak's books: every call gets a unique id when it starts ({@link #begin}) and must end exactly once, with the
 * same id echoed back ({@link #succeeded}) or with a failure ({@link #failed}). Thread-safe; the ledger calls no
 * one.
 *
 * <p>What counts as a bug:
 * <ul>
 *   <li><b>lost</b>: no ending within {@code lostAfter} of the start (the call's deadline plus slack), found by
 *       {@link #sweep};</li>
 *   <li><b>duplicated</b>: a second ending for an id that already ended;</li>
 *   <li><b>misrouted</b>: a response that carries another call's id, or an id this ledger never issued;</li>
 *   <li><b>non-retryable</b>: a failure that is not {@link Failure#retryable()};</li>
 *   <li><b>late</b>: an ending for a call already counted as lost (the call is both lost and late).</li>
 * </ul>
 * Memory stays bounded by the calls in flight: ended ids are not remembered; an id below the next id that is not
 * pending is known to have ended.
 */
final class CallLedger {
  private final LongSupplier nanoClock;
  private final long lostAfterNanos;
  private final AtomicLong lastId = new AtomicLong();
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final Set<Long> lostIds = ConcurrentHashMap.newKeySet();
  private final Map<CallKind, LongAdder> sent = adders();
  private final Map<CallKind, LongAdder> ok = adders();
  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> violations = new ConcurrentHashMap<>();
  private final LongAdder lost = new LongAdder();
  private final LongAdder duplicated = new LongAdder();
  private final LongAdder misrouted = new LongAdder();
  private final LongAdder late = new LongAdder();

  private record Pending(CallKind kind, long startNanos) {}

  /**
   * @param nanoClock monotonic time in nanoseconds (tests pass a fake)
   * @param lostAfterNanos how long after its start a call with no ending counts as lost
   */
  CallLedger(LongSupplier nanoClock, long lostAfterNanos) {
    if (lostAfterNanos <= 0) {
      throw new IllegalArgumentException("lostAfterNanos must be positive: " + lostAfterNanos);
    }
    this.nanoClock = nanoClock;
    this.lostAfterNanos = lostAfterNanos;
  }

  private static Map<CallKind, LongAdder> adders() {
    Map<CallKind, LongAdder> m = new EnumMap<>(CallKind.class);
    for (CallKind k : CallKind.values()) {
      m.put(k, new LongAdder());
    }
    return m;
  }

  /** Starts a call of {@code kind}; returns its unique id (positive). */
  long begin(CallKind kind) {
    long id = lastId.incrementAndGet();
    pending.put(id, new Pending(kind, nanoClock.getAsLong()));
    sent.get(kind).increment();
    return id;
  }

  /** Call {@code id} got its response, which carried {@code echoedId}. */
  void succeeded(long id, long echoedId) {
    Pending p = pending.remove(id);
    if (p == null) {
      strayEnding(id);
      return;
    }
    if (echoedId != id) {
      misrouted.increment();
      return;
    }
    ok.get(p.kind).increment();
  }

  /** Call {@code id} ended with {@code failure}. */
  void failed(long id, Failure failure) {
    Pending p = pending.remove(id);
    if (p == null) {
      strayEnding(id);
      return;
    }
    String key = p.kind.label() + " " + failure.reason();
    failures.computeIfAbsent(key, k -> new LongAdder()).increment();
    if (!failure.retryable()) {
      violations.computeIfAbsent(key, k -> new LongAdder()).increment();
    }
  }

  /** A message arrived for call {@code id} that carries another id (such as one stream message of another call). */
  void misrouted() {
    misrouted.increment();
  }

  /** A call ended in a way that breaks its contract without a failure, such as a stream with messages missing. */
  void violation(long id, String what) {
    Pending p = pending.remove(id);
    if (p == null) {
      strayEnding(id);
      return;
    }
    violations.computeIfAbsent(p.kind.label() + " " + what, k -> new LongAdder()).increment();
  }

  private void strayEnding(long id) {
    if (lostIds.remove(id)) {
      late.increment();
    } else if (id > 0 && id <= lastId.get()) {
      duplicated.increment();
    } else {
      misrouted.increment();
    }
  }

  /** Moves every call pending for longer than {@code lostAfter} to lost; returns how many it moved. */
  int sweep() {
    long now = nanoClock.getAsLong();
    int moved = 0;
    for (Map.Entry<Long, Pending> e : pending.entrySet()) {
      if (now - e.getValue().startNanos >= lostAfterNanos && pending.remove(e.getKey(), e.getValue())) {
        lostIds.add(e.getKey());
        lost.increment();
        moved++;
      }
    }
    return moved;
  }

  /** Calls started and not ended (nor lost). */
  int inFlight() {
    return pending.size();
  }

  /** A consistent-enough copy of the counters (each counter is read once). */
  Snapshot snapshot() {
    Map<CallKind, Long> s = new EnumMap<>(CallKind.class);
    Map<CallKind, Long> o = new EnumMap<>(CallKind.class);
    for (CallKind k : CallKind.values()) {
      s.put(k, sent.get(k).sum());
      o.put(k, ok.get(k).sum());
    }
    return new Snapshot(s, o, sums(failures), sums(violations), lost.sum(), duplicated.sum(), misrouted.sum(),
        late.sum(), pending.size());
  }

  private static Map<String, Long> sums(Map<String, LongAdder> m) {
    Map<String, Long> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /**
   * The counters at one moment.
   *
   * @param sent calls started, by kind
   * @param ok calls answered with their own id, by kind
   * @param failures failed calls by "kind reason", retryable or not
   * @param violations non-retryable failures and broken contracts by "kind reason"
   * @param lost calls with no ending by their deadline plus slack
   * @param duplicated second endings
   * @param misrouted responses carrying another call's id, or an unknown id
   * @param late endings of calls already counted as lost
   * @param inFlight calls pending now
   */
  record Snapshot(Map<CallKind, Long> sent, Map<CallKind, Long> ok, Map<String, Long> failures,
      Map<String, Long> violations, long lost, long duplicated, long misrouted, long late, long inFlight) {

    long totalSent() {
      return sent.values().stream().mapToLong(Long::longValue).sum();
    }

    long totalOk() {
      return ok.values().stream().mapToLong(Long::longValue).sum();
    }

    long totalFailed() {
      return failures.values().stream().mapToLong(Long::longValue).sum();
    }

    long totalViolations() {
      return violations.values().stream().mapToLong(Long::longValue).sum();
    }

    /** True when nothing was lost, duplicated, misrouted, late, or failed in a non-retryable way. */
    boolean clean() {
      return lost == 0 && duplicated == 0 && misrouted == 0 && late == 0 && totalViolations() == 0;
    }
  }
}
