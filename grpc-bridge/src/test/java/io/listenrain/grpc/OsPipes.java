package io.listenrain.grpc;

import io.listenrain.channel.Channel;
import io.listenrain.channel.Channels;
import io.listenrain.channel.ConnectException;
import java.io.IOException;
import java.nio.channels.Pipe;
import java.util.concurrent.CompletableFuture;

/** Connections made of two real OS pipes ({@link Pipe}): one end served by a server, the other returned. */
final class OsPipes {
  private OsPipes() {}

  /** Opens two pipes, hands the server's ends to {@code served} and returns the client's ends as a channel. */
  static CompletableFuture<Channel> connect(ServedChannels served) {
    try {
      Pipe up = Pipe.open();
      Pipe down = Pipe.open();
      served.serve(Channels.fromStreams(java.nio.channels.Channels.newInputStream(up.source()),
          java.nio.channels.Channels.newOutputStream(down.sink())));
      return CompletableFuture.completedFuture(Channels.fromStreams(
          java.nio.channels.Channels.newInputStream(down.source()),
          java.nio.channels.Channels.newOutputStream(up.sink())));
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(new ConnectException("cannot open OS pipes: " + e, e, true));
    }
  }
}
