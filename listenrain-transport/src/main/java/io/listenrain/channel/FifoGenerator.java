package io.listenrain.channel;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ChannelGenerator} over one FIFO pair: each {@link #connect()} opens the pair again and waits for the peer
 * to open it too (see {@link Channels#fifo(Path, Path, ChannelOptions)}). A peer that serves one connection and exits
 * gives one channel; a peer that reopens the pair after each connection ends gives a reconnecting client.
 */
final class FifoGenerator implements ChannelGenerator {
  private final Path readPath;
  private final Path writePath;
  private final ChannelOptions options;
  private final Set<CompletableFuture<Channel>> pending = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  FifoGenerator(Path readPath, Path writePath, ChannelOptions options) {
    this.readPath = readPath;
    this.writePath = writePath;
    this.options = options;
  }

  @Override
  public CompletableFuture<Channel> connect() {
    CompletableFuture<Channel> out = new CompletableFuture<>();
    if (closed) {
      out.completeExceptionally(new ChannelClosedException("FIFO generator closed"));
      return out;
    }
    pending.add(out);
    CompletableFuture<Channel> open = FifoRendezvous.open(readPath, writePath, options);
    open.whenComplete((ch, e) -> {
      pending.remove(out);
      if (e == null) {
        if (!out.complete(ch)) {
          ch.abort(new ChannelClosedException("FIFO connect cancelled"));
        }
      } else if (e instanceof ConnectException || e instanceof ChannelClosedException) {
        out.completeExceptionally(e);
      } else {
        // A missing path or one that is not a FIFO: no retry can fix it.
        out.completeExceptionally(new ConnectException("cannot open FIFO pair: " + e.getMessage(), e, false));
      }
    });
    out.whenComplete((ch, e) -> {
      if (e != null) {
        open.cancel(false); // releases the blocked opens
      }
    });
    if (closed) {
      out.completeExceptionally(new ChannelClosedException("FIFO generator closed"));
    }
    return out;
  }

  @Override
  public void close() {
    closed = true;
    for (CompletableFuture<Channel> f : pending) {
      f.completeExceptionally(new ChannelClosedException("FIFO generator closed"));
    }
  }

  @Override
  public String toString() {
    return "fifo-generator[" + readPath + " <- | -> " + writePath + "]";
  }
}
