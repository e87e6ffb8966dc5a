package io.listenrain.channel;

import java.io.IOException;

/** A connection attempt failed. {@link #isRetryable()} tells whether dialing again may succeed. */
public class ConnectException extends IOException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  public ConnectException(String message, Throwable cause, boolean retryable) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** True for refusals, resets and time-outs; false for errors that no retry can fix (such as a bad address). */
  public boolean isRetryable() {
    return retryable;
  }
}
