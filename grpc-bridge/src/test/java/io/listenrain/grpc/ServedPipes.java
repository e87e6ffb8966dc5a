package io.listenrain.grpc;

import io.listenrain.channel.Channel;
import io.listenrain.channel.ConnectException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/** Connections over real OS pipes ({@link io.listenrain.testing.OsPipes}): one end served, the other returned. */
final class ServedPipes {
  private ServedPipes() {}

  /** Opens a pipe pair, hands the server's end to {@code served} and returns the client's end. */
  static CompletableFuture<Channel> connect(ServedChannels served) {
    try {
      io.listenrain.testing.OsPipes pipes = io.listenrain.testing.OsPipes.open();
      served.serve(pipes.server());
      return CompletableFuture.completedFuture(pipes.client());
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(new ConnectException("cannot open OS pipes: " + e, e, true));
    }
  }
}
