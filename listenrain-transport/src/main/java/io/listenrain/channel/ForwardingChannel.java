package io.listenrain.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLSession;

/**
 * A {@link Channel} that forwards every call to another channel. Subclasses override what they change, typically
 * {@link #start(ChannelHandler)} to see or rewrite the inbound bytes (replaying sniffed bytes, checking or stripping a
 * preface), and inherit the rest, so a method added to {@link Channel} is forwarded in one place.
 */
public abstract class ForwardingChannel implements Channel {
  private final Channel delegate;

  protected ForwardingChannel(Channel delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The channel every call is forwarded to. */
  protected final Channel delegate() {
    return delegate;
  }

  @Override
  public void start(ChannelHandler handler) {
    delegate.start(handler);
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
  public void setReadsPaused(boolean paused) {
    delegate.setReadsPaused(paused);
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
  public Optional<SSLSession> sslSession() {
    return delegate.sslSession();
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
  public String toString() {
    return delegate.toString();
  }
}
