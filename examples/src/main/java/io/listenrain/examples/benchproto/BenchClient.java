package io.listenrain.examples.benchproto;

import io.listenrain.client.Transport;
import io.listenrain.codec.BytesMessage;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.config.TransportKey;
import io.netty.buffer.ByteBuf;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client of the benchmark protocol: one transport (one connection) to one server, msgIds from a counter as the
 * original's benchmark does. Thread-safe; many threads may call concurrently.
 */
public final class BenchClient implements AutoCloseable {
  private final Transport<BytesMessage> transport;
  private final AtomicLong nextId = new AtomicLong();

  public BenchClient(SocketAddress server, ProtocolSpec<BytesMessage> spec) {
    this.transport = Transport.create(TransportKey.of(spec.name(), server), spec);
  }

  /** Sends {@code payload} (taking ownership) and waits for the echo, which the caller must release. */
  public BytesMessage syncEcho(ByteBuf payload, Duration timeout) throws InterruptedException {
    return transport.syncSend(new BytesMessage(nextId.getAndIncrement(), payload), timeout);
  }

  /** Sends {@code payload} (taking ownership); the future's echo must be released by its consumer. */
  public CompletableFuture<BytesMessage> echo(ByteBuf payload) {
    return transport.send(new BytesMessage(nextId.getAndIncrement(), payload));
  }

  public Transport<BytesMessage> transport() {
    return transport;
  }

  @Override
  public void close() {
    transport.close();
  }
}
