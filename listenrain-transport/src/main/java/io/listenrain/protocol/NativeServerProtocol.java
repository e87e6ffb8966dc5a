package io.listenrain.protocol;

import io.listenrain.channel.Channel;
import io.listenrain.server.Server;
import io.listenrain.sharing.ServerProtocol;
import io.netty.buffer.ByteBuf;

/** A native protocol's server as a port-sharing {@link ServerProtocol}: recognised by its configured preface. */
final class NativeServerProtocol implements ServerProtocol {
  private final String name;
  private final byte[] preface;
  private final Server server;

  NativeServerProtocol(String name, byte[] preface, Server server) {
    this.name = name;
    this.preface = preface;
    this.server = server;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int prefaceLength() {
    return preface.length;
  }

  @Override
  public boolean matchesPreface(ByteBuf firstBytes) {
    return prefixMatches(firstBytes, preface.length);
  }

  @Override
  public boolean couldMatchPreface(ByteBuf partial) {
    return prefixMatches(partial, Math.min(partial.readableBytes(), preface.length));
  }

  private boolean prefixMatches(ByteBuf bytes, int n) {
    int start = bytes.readerIndex();
    for (int i = 0; i < n; i++) {
      if (bytes.getByte(start + i) != preface[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void serve(Channel channel) {
    server.serve(channel);
  }

  @Override
  public String toString() {
    return "NativeServerProtocol(" + name + ")";
  }
}
