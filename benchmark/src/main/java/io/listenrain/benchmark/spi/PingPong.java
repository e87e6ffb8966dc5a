package io.listenrain.benchmark.spi;

/**
 * One open bidirectional stream driven as ping-pong: the harness calls {@link #ping()}, waits for the listener's
 * {@link CallListener#onResponse()}, and pings again.
 *
 * <p>{@link #ping()} is called by one party at a time (never concurrently), possibly from inside the listener
 * callback. {@link #finish()} half-closes the stream; it is called once, when no ping is outstanding.
 */
public interface PingPong {

  /** Sends one message on the stream. The reply is reported to the listener given when the stream was opened. */
  void ping();

  /** Half-closes the stream; the server then completes it. Nothing is reported to the listener afterwards. */
  void finish();
}
