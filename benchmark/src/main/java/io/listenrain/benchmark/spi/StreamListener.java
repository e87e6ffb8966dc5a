package io.listenrain.benchmark.spi;

/**
 * Receives a server stream: {@link #onResponse()} once per verified message, then exactly one of
 * {@link #onCompleted()} or {@link #onFailure(Throwable)}. Same threading rules as {@link CallListener}.
 */
public interface StreamListener extends CallListener {

  /** The server ended the stream normally after sending every message. */
  void onCompleted();
}
