package io.listenrain.benchmark.spi;

/** A response arrived but is not the expected one: wrong size or different sampled bytes. Counts as a failed call. */
public final class ResponseMismatchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ResponseMismatchException(String message) {
    super(message);
  }
}
