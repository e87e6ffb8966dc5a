package io.listenrain.client;

/**
 * A point-in-time snapshot of one transport's counters. Counters are cumulative over the transport's life,
 * across reconnects; {@link #inFlight()} and {@link #queueDepth()} are gauges.
 */
public final class TransportStats {
  private final long callsStarted;
  private final long callsSucceeded;
  private final long callsFailed;
  private final long callsTimedOut;
  private final long oneWaySent;
  private final long unmatchedResponses;
  private final long bytesIn;
  private final long bytesOut;
  private final long packetsIn;
  private final long packetsOut;
  private final int queueDepth;
  private final int inFlight;
  private final long connects;
  private final long reconnects;
  private final long badMsgIds;

  /** Builds a snapshot; transports call this, users read it. */
  public TransportStats(long callsStarted, long callsSucceeded, long callsFailed, long callsTimedOut,
      long oneWaySent, long unmatchedResponses, long bytesIn, long bytesOut, long packetsIn, long packetsOut,
      int queueDepth, int inFlight, long connects, long reconnects) {
    this(callsStarted, callsSucceeded, callsFailed, callsTimedOut, oneWaySent, unmatchedResponses, bytesIn, bytesOut,
        packetsIn, packetsOut, queueDepth, inFlight, connects, reconnects, 0);
  }

  /** Builds a snapshot; transports call this, users read it. */
  public TransportStats(long callsStarted, long callsSucceeded, long callsFailed, long callsTimedOut,
      long oneWaySent, long unmatchedResponses, long bytesIn, long bytesOut, long packetsIn, long packetsOut,
      int queueDepth, int inFlight, long connects, long reconnects, long badMsgIds) {
    this.badMsgIds = badMsgIds;
    this.callsStarted = callsStarted;
    this.callsSucceeded = callsSucceeded;
    this.callsFailed = callsFailed;
    this.callsTimedOut = callsTimedOut;
    this.oneWaySent = oneWaySent;
    this.unmatchedResponses = unmatchedResponses;
    this.bytesIn = bytesIn;
    this.bytesOut = bytesOut;
    this.packetsIn = packetsIn;
    this.packetsOut = packetsOut;
    this.queueDepth = queueDepth;
    this.inFlight = inFlight;
    this.connects = connects;
    this.reconnects = reconnects;
  }

  /** Calls accepted by send (not counting rejected ones or one-way messages). */
  public long callsStarted() {
    return callsStarted;
  }

  /** Calls that ended with a response. */
  public long callsSucceeded() {
    return callsSucceeded;
  }

  /** Calls that ended with a failure: connection closed, send failure or cancel. */
  public long callsFailed() {
    return callsFailed;
  }

  /** Calls that ended by timing out. */
  public long callsTimedOut() {
    return callsTimedOut;
  }

  /** One-way messages handed to a connection. */
  public long oneWaySent() {
    return oneWaySent;
  }

  /** Responses that matched no call in flight (late after a timeout, or answers to one-way messages); dropped. */
  public long unmatchedResponses() {
    return unmatchedResponses;
  }

  public long bytesIn() {
    return bytesIn;
  }

  public long bytesOut() {
    return bytesOut;
  }

  public long packetsIn() {
    return packetsIn;
  }

  public long packetsOut() {
    return packetsOut;
  }

  /** Packets waiting in the current connection's outbound queue. */
  public int queueDepth() {
    return queueDepth;
  }

  /** Calls registered and not yet ended. */
  public int inFlight() {
    return inFlight;
  }

  /** Successful connection establishments. */
  public long connects() {
    return connects;
  }

  /** Successful connection establishments after the first. */
  public long reconnects() {
    return reconnects;
  }

  /** Responses dropped because their msgID could not be read (see {@link io.listenrain.codec.MsgIdException}). */
  public long badMsgIds() {
    return badMsgIds;
  }

  @Override
  public String toString() {
    return "calls started=" + callsStarted + " ok=" + callsSucceeded + " failed=" + callsFailed + " timedOut="
        + callsTimedOut + " oneWay=" + oneWaySent + " unmatched=" + unmatchedResponses + " inFlight=" + inFlight
        + "; packets in=" + packetsIn + " out=" + packetsOut + "; bytes in=" + bytesIn + " out=" + bytesOut
        + "; queue=" + queueDepth + "; connects=" + connects + " reconnects=" + reconnects + "; bad msgIds=" + badMsgIds;
  }
}
