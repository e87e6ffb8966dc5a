package io.listenrain.grpc;

import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelAcceptor;
import io.listenrain.channel.ChannelClosedException;
import io.listenrain.channel.ForwardingChannel;
import java.net.BindException;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Connected channels that the application hands to a gRPC server, instead of a socket the server listens on: the
 * server side of gRPC over any byte stream (a child process's stdin/stdout, a serial line, an SSH channel, a
 * WebSocket bridged to streams; {@code Channels.fromStreams} adapts a stream pair). Build the server with
 * {@link ListenRainServerBuilder#forChannels(ServedChannels)}, start it, then {@link #serve} each channel as it comes.
 *
 * <pre>{@code
 * ServedChannels channels = ServedChannels.create();
 * Server server = ListenRainServerBuilder.forChannels(channels).addService(new GreeterImpl()).build().start();
 * channels.serve(Channels.fromStreams(System.in, System.out));
 * }</pre>
 *
 * Thread-safe. One source serves one started server at a time.
 */
public final class ServedChannels {
  private volatile Consumer<Channel> server;
  private volatile boolean everAttached;

  private ServedChannels() {}

  public static ServedChannels create() {
    return new ServedChannels();
  }

  /**
   * Serves gRPC on {@code channel}, a connected channel that has not been started; the server owns it from here
   * (each channel is one gRPC connection, ended by either side's GOAWAY or by the channel closing).
   *
   * @throws IllegalStateException if no started server takes channels from this source (not started yet, or shut
   *     down); the channel is aborted then
   */
  public void serve(Channel channel) {
    Consumer<Channel> s = server;
    if (s == null) {
      IllegalStateException e = new IllegalStateException(everAttached
          ? "the server that took channels from this source has shut down"
          : "no started server takes channels from this source yet: start it first");
      channel.abort(new ChannelClosedException(e.getMessage()));
      throw e;
    }
    s.accept(channel);
  }

  /**
   * Binds a starting server; the returned acceptor stands for it and detaches it when closed, after which another
   * server may take this source (as a port is free again once its server has closed it). A channel without a local
   * address of its own is reported at {@code address}, where the server "listens".
   */
  ChannelAcceptor attach(SocketAddress address, Consumer<Channel> serve) throws BindException {
    Consumer<Channel> named = ch -> serve.accept(ch.localAddress() != null ? ch : new ForwardingChannel(ch) {
      @Override
      public SocketAddress localAddress() {
        return address;
      }
    });
    synchronized (this) {
      if (server != null) {
        throw new BindException("a started server already takes channels from this source");
      }
      server = named;
      everAttached = true;
    }
    CompletableFuture<Void> closed = new CompletableFuture<>();
    return new ChannelAcceptor() {
      @Override
      public SocketAddress localAddress() {
        return address;
      }

      @Override
      public void close() {
        synchronized (ServedChannels.this) {
          if (server == named) {
            server = null;
          }
        }
        closed.complete(null);
      }

      @Override
      public CompletableFuture<Void> closeFuture() {
        return closed;
      }
    };
  }
}
