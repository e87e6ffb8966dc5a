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
    if (end - in.readerIndex() < 4) {
      throw new GrpcProtocolException("metadata block truncated: no entry count");
    }
    long count = in.readUnsignedInt();
    // Each entry takes at least 8 bytes (two length fields): refuse counts the bytes cannot hold.
    if (count > (end - in.readerIndex()) / 8) {
      throw new GrpcProtocolException("metadata entry count " + count + " exceeds the frame");
    }
    byte[][] out = new byte[(int) count * 2][];
    for (int i = 0; i < out.length; i++) {
      if (end - in.readerIndex() < 4) {
        throw new GrpcProtocolException("metadata block truncated at entry " + i / 2);
      }
      long len = in.readUnsignedInt();
      if (len > end - in.readerIndex()) {
        throw new GrpcProtocolException("metadata value length " + len + " exceeds the frame");
      }
      byte[] b = new byte[(int) len];
      in.readBytes(b);
      out[i] = b;
    }
    return out;
  }
}
