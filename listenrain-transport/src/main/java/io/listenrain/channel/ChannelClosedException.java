package io.listenrain.channel;

import java.io.IOException;

/** The channel, or the generator that would have produced one, is closed. */
public class ChannelClosedException extends IOException {
  private static final long serialVersionUID = 1L;

  public ChannelClosedException(String message) {
    super(message);
  }

  public ChannelClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
