package io.listenrain.transport;

import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelHandler;
import io.listenrain.codec.CorruptedFrameException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * A server channel of a protocol with a preface: checks and strips the preface from the front of the stream before
 * the handler sees any byte. A wrong preface aborts the channel with a {@link CorruptedFrameException}.
 */
final class PrefaceCheckingChannel implements Channel {
  private final Channel delegate;
  private final byte[] preface;

  PrefaceCheckingChannel(Channel delegate, byte[] preface) {
    this.delegate = delegate;
    this.preface = preface;
  }

  @Override
  public void start(ChannelHandler handler) {
    delegate.start(new ChannelHandler() {
      private int matched;

      @Override
      public void channelRead(ByteBuf data) {
        if (matched < preface.length) {
          while (matched < preface.length && data.isReadable()) {
            if (data.readByte() != preface[matched++]) {
              data.release();
              matched = Integer.MIN_VALUE; // drop everything after a mismatch
              delegate.abort(new CorruptedFrameException("connection does not start with the protocol preface"));
              return;
            }
          }
          if (!data.isReadable()) {
            data.release();
            return;
          }
        }
        if (matched < 0) {
          data.release();
          return;
        }
        handler.channelRead(data);
      }

      @Override
      public void channelReadComplete() {
        handler.channelReadComplete();
      }

      @Override
      public void writabilityChanged(boolean writable) {
        handler.writabilityChanged(writable);
      }

      @Override
      public void channelClosed(Throwable cause) {
        handler.channelClosed(cause);
      }
    });
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
