package io.listenrain.grpc;

import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelHandler;
import io.listenrain.sharing.ServerProtocol;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** A native protocol for shared-port tests: recognised by the preface "ECHO", it answers every byte with itself. */
final class EchoNativeProtocol implements ServerProtocol {
  @Override
  public String name() {
    return "echo";
  }

  @Override
  public int prefaceLength() {
    return 4;
  }

  @Override
  public boolean matchesPreface(ByteBuf firstBytes) {
    return firstBytes.toString(firstBytes.readerIndex(), 4, StandardCharsets.US_ASCII).equals("ECHO");
  }

  @Override
  public void serve(Channel channel) {
    channel.start(new ChannelHandler() {
      @Override
      public void channelRead(ByteBuf data) {
        channel.write(data);
      }

      @Override
      public void channelReadComplete() {
        channel.flush();
      }

      @Override
      public void channelClosed(Throwable cause) {}
    });
  }
}
