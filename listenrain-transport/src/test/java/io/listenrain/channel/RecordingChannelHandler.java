package io.listenrain.channel;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A test {@link ChannelHandler} that records what it sees and releases every buffer. */
final class RecordingChannelHandler implements ChannelHandler {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final boolean keepBytes;
  final AtomicLong received = new AtomicLong();
  final AtomicInteger closedCalls = new AtomicInteger();
  final CompletableFuture<Throwable> closed = new CompletableFuture<>();
  final List<Boolean> writability = new CopyOnWriteArrayList<>();
  final CompletableFuture<Void> becameWritable = new CompletableFuture<>();

  RecordingChannelHandler() {
    this(true);
  }

  RecordingChannelHandler(boolean keepBytes) {
    this.keepBytes = keepBytes;
  }

  @Override
  public void channelRead(ByteBuf data) {
    try {
      received.addAndGet(data.readableBytes());
      if (keepBytes) {
        byte[] b = new byte[data.readableBytes()];
        data.readBytes(b);
        synchronized (bytes) {
          bytes.writeBytes(b);
        }
      }
    } finally {
      data.release();
    }
  }

  @Override
  public void writabilityChanged(boolean writable) {
    writability.add(writable);
    if (writable) {
      becameWritable.complete(null);
    }
  }

  @Override
  public void channelClosed(Throwable cause) {
    closedCalls.incrementAndGet();
    closed.complete(cause);
  }

  byte[] bytes() {
    synchronized (bytes) {
      return bytes.toByteArray();
    }
  }
}
