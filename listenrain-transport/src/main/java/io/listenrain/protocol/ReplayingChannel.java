package io.listenrain.protocol;

import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * An accepted channel after sniffing: the same channel, except that {@link #start} first delivers the bytes read
 * while sniffing, then everything that follows. Every other method delegates.
 */
final class ReplayingChannel implements Channel {
  private final Channel delegate;
  private final PreambleSniffer sniffer;

  ReplayingChannel(Channel delegate, PreambleSniffer sniffer) {
    this.delegate = delegate;
    this.sniffer = sniffer;
  }

  @Override
  public void start(ChannelHandler handler) {
    if (handler == null) {
      throw new NullPointerException("handler");
    }
    delegate.executor().execute(() -> sniffer.attach(handler));
  }

  @Override
  public EventExecutor executor() {
    return delegate.executor();
  }

  @Override
  public ByteBufAllocator alloc() {
    return delegate.alloc();
  }

  @Override
  public void write(ByteBuf data) {
    delegate.write(data);
  }

  @Override
  public void flush() {
    delegate.flush();
  }

  @Override
  public boolean isWritable() {
    return delegate.isWritable();
  }

  @Override
  public boolean isOpen() {
    return delegate.isOpen();
  }

  @Override
  public SocketAddress localAddress() {
    return delegate.localAddress();
  }

  @Override
  public SocketAddress remoteAddress() {
    return delegate.remoteAddress();
  }

  @Override
  public CompletableFuture<Void> close() {
    return delegate.close();
  }

  @Override
  public void abort(Throwable cause) {
    delegate.abort(cause);
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return delegate.closeFuture();
  }

  @Override
  public String kind() {
    return delegate.kind();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
