package io.listenrain.codec;

/** A packet or message could not be encoded or decoded. The connection that produced it cannot be trusted further. */
public class CodecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CodecException(String message) {
    super(message);
  }

  public CodecException(String message, Throwable cause) {
    super(message, cause);
  }
}
