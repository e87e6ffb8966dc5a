package io.listenrain.server;

import io.listenrain.config.ProtocolSpec;

/** A point-in-time snapshot of one server's counters, cumulative over its life; {@link #openConnections()} is a gauge. */
public final class ServerStats {
  private final long connectionsAccepted;
  private final int openConnections;
  private final long requests;
  private final long responses;
  private final long bytesIn;
  private final long bytesOut;
  private final long packetsIn;
  private final long packetsOut;
  private final long readPauses;
  private final long badMsgIds;

  /** Builds a snapshot; servers call this, users read it. */
  public ServerStats(long connectionsAccepted, int openConnections, long requests, long responses, long bytesIn,
      long bytesOut, long packetsIn, long packetsOut, long readPauses) {
    this(connectionsAccepted, openConnections, requests, responses, bytesIn, bytesOut, packetsIn, packetsOut,
        readPauses, 0);
  }

  /** Builds a snapshot; servers call this, users read it. */
  public ServerStats(long connectionsAccepted, int openConnections, long requests, long responses, long bytesIn,
      long bytesOut, long packetsIn, long packetsOut, long readPauses, long badMsgIds) {
    this.badMsgIds = badMsgIds;
    this.connectionsAccepted = connectionsAccepted;
    this.openConnections = openConnections;
    this.requests = requests;
    this.responses = responses;
    this.bytesIn = bytesIn;
    this.bytesOut = bytesOut;
    this.packetsIn = packetsIn;
    this.packetsOut = packetsOut;
    this.readPauses = readPauses;
  }

  public long connectionsAccepted() {
    return connectionsAccepted;
  }

  public int openConnections() {
    return openConnections;
  }

  /** Requests handed to the router. */
  public long requests() {
    return requests;
  }

  /** Replies handed to a connection. */
  public long responses() {
    return responses;
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

  /**
   * How many times a connection stopped reading because it held its limit of requests in progress or could not take
   * more outbound bytes (see {@link ProtocolSpec.Builder#serverMaxRequestsInProgress}).
   */
  public long readPauses() {
    return readPauses;
  }

  /** Requests dropped because their msgID could not be read (see {@link io.listenrain.codec.MsgIdException}). */
  public long badMsgIds() {
    return badMsgIds;
  }

  @Override
  public String toString() {
    return "connections accepted=" + connectionsAccepted + " open=" + openConnections + "; requests=" + requests
        + " responses=" + responses + "; packets in=" + packetsIn + " out=" + packetsOut + "; bytes in=" + bytesIn
        + " out=" + bytesOut + "; read pauses=" + readPauses + "; bad msgIds=" + badMsgIds;
  }
}
