package io.listenrain.transport;

import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelClosedException;
import io.listenrain.channel.ChannelGenerator;
import io.listenrain.channel.ChannelOptions;
import io.listenrain.channel.Channels;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The default channel generator until the channel package's dialer is wired in: one attempt tries the endpoints in
 * order and returns the first that connects (failover); retries and backoff belong to the client transport.
 */
final class FailoverDialer implements ChannelGenerator {
  private final List<SocketAddress> endpoints;
  private final ChannelOptions options;
  private volatile boolean closed;

  FailoverDialer(List<SocketAddress> endpoints, ChannelOptions options) {
    this.endpoints = List.copyOf(endpoints);
    this.options = options;
  }

  @Override
  public CompletableFuture<Channel> connect() {
    CompletableFuture<Channel> result = new CompletableFuture<>();
    attempt(0, null, result);
    return result;
  }

  private void attempt(int i, Throwable last, CompletableFuture<Channel> result) {
    if (closed) {
      result.completeExceptionally(new ChannelClosedException("channel generator closed"));
      return;
    }
    if (i == endpoints.size()) {
      result.completeExceptionally(last);
      return;
    }
    Channels.dial(endpoints.get(i), options).whenComplete((ch, err) -> {
      if (err == null) {
        if (closed) {
          ch.abort(new ChannelClosedException("channel generator closed"));
          result.completeExceptionally(new ChannelClosedException("channel generator closed"));
        } else {
          result.complete(ch);
        }
        return;
      }
      attempt(i + 1, err, result); // failover: the next endpoint, or fail with this error after the last
    });
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "FailoverDialer" + endpoints;
  }
}
