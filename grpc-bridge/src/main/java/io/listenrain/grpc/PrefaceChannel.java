package io.listenrain.grpc;

import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelHandler;
import io.listenrain.channel.ForwardingChannel;
import io.netty.buffer.ByteBuf;

/**
 * A server-side view of an accepted channel that checks and removes the 8-byte client preface before the packet
 * decoder sees any byte. A wrong magic or version aborts the channel with a {@link GrpcProtocolException}, which the
 * handler then sees as the close cause.
 */
final class PrefaceChannel extends ForwardingChannel {
  PrefaceChannel(Channel delegate) {
    super(delegate);
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
    delegate().start(new Stripper(handler));
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
        ByteBuf merged = delegate().alloc().buffer(acc.readableBytes() + data.readableBytes());
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
        delegate().abort(e);
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
}
