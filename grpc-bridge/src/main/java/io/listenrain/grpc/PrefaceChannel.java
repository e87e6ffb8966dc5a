package io.listenrain.grpc;

import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLSession;

/**
 * A server-side view of an accepted channel that checks and removes the 8-byte client preface before the packet
 * decoder sees any byte. A wrong magic or version aborts the channel with a {@link GrpcProtocolException}, which the
 * handler then sees as the close cause.
 */
final class PrefaceChannel implements Channel {
  private final Channel delegate;

  PrefaceChannel(Channel delegate) {
    this.delegate = delegate;
  }

  /** Checks a complete 8-byte preface at {@code in}'s reader index, with absolute reads. */
  static void checkPreface(ByteBuf in) {
    int at = in.readerIndex();
    for (int i = 0; i < Wire.PREFACE_LENGTH - 1; i++) {
      if (in.getByte(at + i) != Wire.PREFACE[i]) {
        throw new GrpcProtocolException("not a ListenRain gRPC connection: bad preface");
      }
    }
    int version = in.getUnsignedByte(at + Wire.PREFACE_LENGTH - 1);
    if (version != Wire.VERSION) {
      throw new GrpcProtocolException("unsupported protocol version " + version + " in the preface");
    }
  }

  @Override
  public void start(ChannelHandler handler) {
    delegate.start(new Stripper(handler));
  }

  private final class Stripper implements ChannelHandler {
    private final ChannelHandler handler;
    private ByteBuf acc;
    private boolean done;
    private boolean failed;

    Stripper(ChannelHandler handler) {
      this.handler = handler;
    }

    @Override
    public void channelRead(ByteBuf data) {
      if (done) {
        handler.channelRead(data);
        return;
      }
      if (failed) {
        data.release();
        return;
      }
      if (acc == null) {
        acc = data;
      } else {
        ByteBuf merged = delegate.alloc().buffer(acc.readableBytes() + data.readableBytes());
        merged.writeBytes(acc).writeBytes(data);
        acc.release();
        data.release();
        acc = merged;
      }
      if (acc.readableBytes() < Wire.PREFACE_LENGTH) {
        return;
      }
      ByteBuf in = acc;
      acc = null;
      try {
        checkPreface(in);
      } catch (GrpcProtocolException e) {
        in.release();
        failed = true;
        delegate.abort(e);
        return;
      }
      done = true;
      in.skipBytes(Wire.PREFACE_LENGTH);
      if (in.isReadable()) {
        handler.channelRead(in);
      } else {
        in.release();
      }
    }

    @Override
    public void channelReadComplete() {
      if (done) {
        handler.channelReadComplete();
      }
    }

    @Override
    public void writabilityChanged(boolean writable) {
      handler.writabilityChanged(writable);
    }

    @Override
    public void channelClosed(Throwable cause) {
      if (acc != null) {
        acc.release();
        acc = null;
      }
      handler.channelClosed(cause);
    }
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
  public Map<String, String> socketOptions() {
    return delegate.socketOptions();
  }

  @Override
  public String kind() {
    return delegate.kind();
  }

  @Override
  public Optional<SSLSession> sslSession() {
    return delegate.sslSession();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
