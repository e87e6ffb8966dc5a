package io.listenrain.codec;

/** Bytes on the wire do not form a valid frame: a negative or undersized length, an unknown version, and so on. */
public class CorruptedFrameException extends CodecException {
  private static final long serialVersionUID = 1L;

  public CorruptedFrameException(String message) {
    super(message);
  }
}
