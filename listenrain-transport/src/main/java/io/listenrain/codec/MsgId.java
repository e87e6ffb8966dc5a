package io.listenrain.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An opaque msgID: a sequence of bytes compared byte for byte, as the original framework's {@code msgId string} (a Go
 * string is bytes, not text). Any length, any content (blank, non-ASCII, binary); ListenRain never parses, trims or
 * re-renders it. Codecs that declare {@link MessageCodec.MsgIdKind#OPAQUE} correlate calls by these.
 *
 * <p>Immutable: the bytes are copied in and out; the hash is computed once.
 */
public final class MsgId {
  private final byte[] bytes;
  private final int hash;

  private MsgId(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  /** The id made of a copy of {@code bytes}. */
  public static MsgId of(byte[] bytes) {
    return new MsgId(bytes.clone());
  }

  /** The id made of {@code length} bytes of {@code bytes} from {@code offset} (copied). */
  public static MsgId of(byte[] bytes, int offset, int length) {
    return new MsgId(Arrays.copyOfRange(bytes, offset, offset + length));
  }

  /** The id made of the UTF-8 bytes of {@code text} (a UUID string, for example). */
  public static MsgId of(String text) {
    return new MsgId(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Wraps {@code bytes} without a copy; the caller gives them up. For codecs that just allocated them. */
  public static MsgId wrap(byte[] bytes) {
    return new MsgId(bytes);
  }

  /** A copy of the bytes. */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  public int length() {
    return bytes.length;
  }

  /** The byte at {@code index}. */
  public byte byteAt(int index) {
    return bytes[index];
  }

  /** The bytes decoded as UTF-8 (lossy if they are not UTF-8). */
  public String toUtf8() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MsgId && ((MsgId) o).hash == hash && Arrays.equals(((MsgId) o).bytes, bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** The bytes as text where they are printable ASCII, escaped as {@code \xNN} elsewhere; for logs. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(bytes.length + 2).append('"');
    for (byte b : bytes) {
      if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
        sb.append((char) b);
      } else {
        sb.append("\\x").append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
      }
    }
    return sb.append('"').toString();
  }
}
