package io.listenrain.server;

import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelHandler;
import io.listenrain.channel.ForwardingChannel;
import io.listenrain.codec.CorruptedFrameException;
import io.netty.buffer.ByteBuf;

/**
 * A server channel of a protocol with a preface: checks and strips the preface from the front of the stream before
 * the handler sees any byte. A wrong preface aborts the channel with a {@link CorruptedFrameException}.
 */
final class PrefaceCheckingChannel extends ForwardingChannel {
  private final byte[] preface;

  PrefaceCheckingChannel(Channel delegate, byte[] preface) {
    super(delegate);
    this.preface = preface;
  }

  @Override
  public void start(ChannelHandler handler) {
    delegate().start(new ChannelHandler() {
      private int matched;

      @Override
      public void channelRead(ByteBuf data) {
        if (matched < preface.length) {
          while (matched < preface.length && data.isReadable()) {
            if (data.readByte() != preface[matched++]) {
              data.release();
              matched = Integer.MIN_VALUE; // drop everything after a mismatch
              delegate().abort(new CorruptedFrameException("connection does not start with the protocol preface"));
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
}
