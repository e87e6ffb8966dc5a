package io.listenrain.grpc;

import io.netty.buffer.ByteBuf;

/**
 * Encodes gRPC metadata as it comes from {@code InternalMetadata.serialize}: interleaved names and values, binary
 * ({@code -bin}) values raw, order and duplicates kept.
 *
 * <pre>
 * metadata := count:u32 (nameLength:u32 name valueLength:u32 value){count}
 * </pre>
 *
 * Sizes are measured like HTTP/2's header list size: 32 + name length + value length per entry.
 */
final class MetadataCodec {
  private MetadataCodec() {}

  /** Per-entry overhead in the size accounting, as in HTTP/2 (RFC 7540 §6.5.2). */
  static final int ENTRY_OVERHEAD = 32;

  static int encodedLength(byte[][] namesAndValues) {
    int n = 4;
    for (byte[] b : namesAndValues) {
      n += 4 + b.length;
    }
    return n;
  }

  static void encode(byte[][] namesAndValues, ByteBuf out) {
    out.writeInt(namesAndValues.length / 2);
    for (byte[] b : namesAndValues) {
      out.writeInt(b.length);
      out.writeBytes(b);
    }
  }

  /** The HTTP/2-style size of serialized metadata. */
  static long size(byte[][] namesAndValues) {
    long size = 0;
    for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
      size += ENTRY_OVERHEAD + namesAndValues[i].length + namesAndValues[i + 1].length;
    }
    return size;
  }

  /**
   * Decodes metadata from {@code in}, from its reader index up to {@code end}, leaving the reader index at the end of
   * the block. Lengths are checked against the bytes present before anything is allocated.
   *
   * @throws GrpcProtocolException if the block is truncated or its counts are inconsistent
   */
  static byte[][] decode(ByteBuf in, int end) {
    return decode(in, end, Long.MAX_VALUE);
  }

  /**
   * As {@link #decode(ByteBuf, int)}, but stops as soon as the metadata is known to exceed {@code maxSize} (in the
   * {@link #size} accounting): from the entry count alone when {@code count * }{@value #ENTRY_OVERHEAD} is over it,
   * else at the first entry that goes over. So at most {@code maxSize / 32} entries are ever decoded, whatever the
   * block holds; the caller refuses the call without the rest.
   *
   * @throws MetadataTooLargeException past {@code maxSize}; the reader index is then undefined
   * @throws GrpcProtocolException if the block is truncated or its counts are inconsistent
   */
  static byte[][] decode(ByteBuf in, int end, long maxSize) {
    if (end - in.readerIndex() < 4) {
      throw new GrpcProtocolException("metadata block truncated: no entry count");
    }
    long count = in.readUnsignedInt();
    // Each entry takes at least 8 bytes (two length fields): refuse counts the bytes cannot hold.
    if (count > (end - in.readerIndex()) / 8) {
      throw new GrpcProtocolException("metadata entry count " + count + " exceeds the frame");
    }
    if (count * ENTRY_OVERHEAD > maxSize) {
      throw new MetadataTooLargeException(count * ENTRY_OVERHEAD, count, maxSize);
    }
    byte[][] out = new byte[(int) count * 2][];
    long size = count * ENTRY_OVERHEAD;
    for (int i = 0; i < out.length; i++) {
      if (end - in.readerIndex() < 4) {
        throw new GrpcProtocolException("metadata block truncated at entry " + i / 2);
      }
      long len = in.readUnsignedInt();
      if (len > end - in.readerIndex()) {
        throw new GrpcProtocolException("metadata value length " + len + " exceeds the frame");
      }
      size += len;
      if (size > maxSize) {
        throw new MetadataTooLargeException(size, count, maxSize);
      }
      byte[] b = new byte[(int) len];
      in.readBytes(b);
      out[i] = b;
    }
    return out;
  }

  /**
   * Metadata over the receiver's limit, found while decoding: a stream error (the call is refused), not a
   * connection error. {@link #atLeast} is a lower bound of the size: decoding stopped there.
   */
  static final class MetadataTooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final long atLeast;

    MetadataTooLargeException(long atLeast, long entries, long limit) {
      super("Request metadata size exceeded (at least " + atLeast + " > " + limit + ", " + entries + " entries)",
          null, false, false);
      this.atLeast = atLeast;
    }
  }
}
