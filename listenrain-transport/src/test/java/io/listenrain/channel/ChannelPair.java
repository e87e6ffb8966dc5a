package io.listenrain.channel;

/** Two connected, unstarted channels of one kind, and whatever must be closed after the test. */
public final class ChannelPair implements java.io.Closeable {
  public final Channel client;
  public final Channel server;
  private final java.io.Closeable resources;

  public ChannelPair(Channel client, Channel server, java.io.Closeable resources) {
    this.client = client;
    this.server = server;
    this.resources = resources;
  }

  @Override
  public void close() throws java.io.IOException {
    client.abort(new ChannelClosedException("test over"));
    server.abort(new ChannelClosedException("test over"));
    if (resources != null) {
      resources.close();
    }
  }
}
