package io.listenrain.benchmark.spi;

/** The shapes of traffic the harness drives. Each is a closed loop over one connection. */
public enum Workload {
  /**
   * Unary echo, the original Go benchmark's workload: each of {@code parallel} slots sends a request carrying the
   * payload and waits for the same bytes back before sending the next.
   */
  UNARY("unary"),
  /**
   * Server streaming: each slot asks for a stream of {@link #STREAM_MESSAGES_PER_CALL} messages and starts another
   * stream when one completes. The figure of merit is messages per second.
   */
  SERVER_STREAM("server-stream"),
  /** Bidi ping-pong: each slot keeps one stream open and sends its next message when the previous one comes back. */
  BIDI_PING_PONG("bidi-ping-pong");

  /** Messages the server sends per {@link #SERVER_STREAM} call. */
  public static final int STREAM_MESSAGES_PER_CALL = 1_000;

  private final String label;

  Workload(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
