package io.listenrain.grpc;

import io.grpc.internal.AbstractReadableBuffer;
import io.grpc.internal.ReadableBuffer;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * A gRPC {@link ReadableBuffer} over a Netty {@link ByteBuf}, so inbound DATA reaches the deframer without a copy.
 * Takes ownership of the buffer; {@link #close()} releases it (idempotent). {@link #readBytes(int)} hands out a
 * retained slice in a new buffer the caller owns.
 */
final class ByteBufReadableBuffer extends AbstractReadableBuffer {
  private final ByteBuf buf;
  private boolean closed;

  ByteBufReadableBuffer(ByteBuf buf) {
    this.buf = buf;
  }

  @Override
  public int readableBytes() {
    return buf.readableBytes();
  }

  @Override
  public int readUnsignedByte() {
    checkReadable(1);
    return buf.readUnsignedByte();
  }

  @Override
  public void skipBytes(int length) {
    checkReadable(length);
    buf.skipBytes(length);
  }

  @Override
  public void readBytes(byte[] dest, int destOffset, int length) {
    checkReadable(length);
    buf.readBytes(dest, destOffset, length);
  }

  @Override
  public void readBytes(ByteBuffer dest) {
    checkReadable(dest.remaining());
    buf.readBytes(dest);
  }

  @Override
  public void readBytes(OutputStream dest, int length) throws IOException {
    checkReadable(length);
    buf.readBytes(dest, length);
  }

  @Override
  public ReadableBuffer readBytes(int length) {
    checkReadable(length);
    return new ByteBufReadableBuffer(buf.readRetainedSlice(length));
  }

  @Override
  public boolean hasArray() {
    return buf.hasArray();
  }

  @Override
  public byte[] array() {
    return buf.array();
  }

  @Override
  public int arrayOffset() {
    return buf.arrayOffset() + buf.readerIndex();
  }

  @Override
  public boolean markSupported() {
    return true;
  }

  @Override
  public void mark() {
    buf.markReaderIndex();
  }

  @Override
  public void reset() {
    buf.resetReaderIndex();
  }

  @Override
  public boolean byteBufferSupported() {
    return buf.nioBufferCount() == 1;
  }

  @Override
  public ByteBuffer getByteBuffer() {
    return buf.nioBuffer();
  }

  @Override
  public void touch() {
    buf.touch();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      buf.release();
    }
  }
}
