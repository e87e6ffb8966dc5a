package io.listenrain.codec;

/**
 * The msgID of a packet cannot be read (the packet is shorter than its id field, or the field breaks the codec's
 * rules). The length prefix delimited the packet, so the stream is still in step: transports drop that packet, count
 * it, log it once per connection, and keep the connection; no call can be answered or matched without its id.
 */
public class MsgIdException extends CorruptedFrameException {
  private static final long serialVersionUID = 1L;

  public MsgIdException(String message) {
    super(message);
  }
}
