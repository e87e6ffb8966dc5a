package io.listenrain.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A test {@link PacketHandler} that records packets (as byte arrays) and releases every buffer. */
final class RecordingPacketHandler implements PacketHandler {
  final List<byte[]> packets = new CopyOnWriteArrayList<>();
  final List<Boolean> writability = new CopyOnWriteArrayList<>();
  final CompletableFuture<Throwable> closed = new CompletableFuture<>();
  final AtomicInteger closedCalls = new AtomicInteger();

  @Override
  public void packetReceived(Connection connection, ByteBuf packet) {
    try {
      packets.add(ByteBufUtil.getBytes(packet));
    } finally {
      packet.release();
    }
  }

  @Override
  public void writabilityChanged(Connection connection, boolean writable) {
    writability.add(writable);
  }

  @Override
  public void connectionClosed(Connection connection, Throwable cause) {
    closedCalls.incrementAndGet();
    closed.complete(cause);
  }
}
