package io.listenrain.testing;

import io.listenrain.channel.Channel;
import io.listenrain.channel.Channels;
import java.io.IOException;
import java.nio.channels.Pipe;

/**
 * One connection made of two real OS pipes ({@link Pipe}, a kernel pipe on Linux), each end adapted by
 * {@link Channels#fromStreams}: what an application that runs a protocol over a child's stdio or any stream pair has.
 */
public final class OsPipes {
  private final Channel client;
  private final Channel server;

  private OsPipes(Channel client, Channel server) {
    this.client = client;
    this.server = server;
  }

  /** Opens two pipes: the client writes into the first and reads the second, the server the other way round. */
  public static OsPipes open() throws IOException {
    Pipe up = Pipe.open();
    Pipe down = Pipe.open();
    Channel server = Channels.fromStreams(java.nio.channels.Channels.newInputStream(up.source()),
        java.nio.channels.Channels.newOutputStream(down.sink()));
    Channel client = Channels.fromStreams(java.nio.channels.Channels.newInputStream(down.source()),
        java.nio.channels.Channels.newOutputStream(up.sink()));
    return new OsPipes(client, server);
  }

  /** The client's end: unstarted, owned by whoever takes it. */
  public Channel client() {
    return client;
  }

  /** The server's end: unstarted, owned by whoever takes it. */
  public Channel server() {
    return server;
  }
}
