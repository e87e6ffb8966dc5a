package io.listenrain.codec;

/** A packet (or a frame header's declared length) exceeds the configured maximum. */
public class FrameTooLargeException extends CodecException {
  private static final long serialVersionUID = 1L;

  private final long declaredLength;
  private final long maxLength;

  public FrameTooLargeException(long declaredLength, long maxLength) {
    super("frame of " + declaredLength + " bytes exceeds the maximum of " + maxLength);
    this.declaredLength = declaredLength;
    this.maxLength = maxLength;
  }

  public long declaredLength() {
    return declaredLength;
  }

  public long maxLength() {
    return maxLength;
  }
}
