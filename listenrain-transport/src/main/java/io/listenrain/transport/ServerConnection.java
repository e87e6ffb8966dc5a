package io.listenrain.transport;

import io.listenrain.codec.MessageCodec;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One accepted connection of a native server: decodes requests on the I/O thread, in order, and hands each to the
 * router on the callback executor with a {@link Response} that answers through this connection's queue.
 *
 * <p>{@link #outstanding} counts requests delivered and not yet answered; a graceful close waits for it to reach 0.
 * Its {@link ConnectionWatchdog} enforces the server's handshake, stall and idle timeouts.
 */
final class ServerConnection<M> implements PacketHandler {
  private static final System.Logger LOG = System.getLogger(ServerConnection.class.getName());

  private final NativeServer<M> server;
  private final MessageCodec<M> codec;
  private final ServerRouter<M> router;
  private final Executor executor;
  private final AtomicInteger outstanding = new AtomicInteger();
  private volatile boolean draining;
  final ConnectionWatchdog watchdog;
  volatile Connection connection;

  ServerConnection(NativeServer<M> server, ProtocolSpec<M> spec, ServerRouter<M> router, ServerTimeouts timeouts) {
    this.server = server;
    this.codec = spec.messageCodec();
    this.router = router;
    this.executor = spec.executor();
    this.watchdog = new ConnectionWatchdog(timeouts, outstanding::get);
  }

  @Override
  public void readComplete(Connection conn) {
    watchdog.readComplete();
  }

  @Override
  public void packetReceived(Connection conn, ByteBuf packet) {
    watchdog.packetReceived();
    M message;
    long msgId;
    try {
      message = codec.decode(packet);
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, () -> "bad request from " + conn.remoteAddress() + ": " + e);
      conn.abort(e);
      return;
    }
    try {
      msgId = codec.msgId(message);
    } catch (RuntimeException e) {
      ReferenceCountUtil.release(message);
      conn.abort(e);
      return;
    }
    outstanding.incrementAndGet();
    server.requests.increment();
    Response response = new Response(conn, msgId);
    try {
      executor.execute(() -> {
        try {
          router.route(response, msgId, message);
        } catch (Throwable t) {
          LOG.log(Level.WARNING, "router threw on msgId " + msgId, t);
          response.abandon(); // unanswered for good: it must not hold a graceful close open
        }
      });
    } catch (RejectedExecutionException e) {
      LOG.log(Level.WARNING, "callback executor rejected a request; dropping msgId " + msgId, e);
      ReferenceCountUtil.release(message);
      response.abandon();
    }
  }

  @Override
  public void connectionClosed(Connection conn, Throwable cause) {
    watchdog.stop();
    server.connectionClosed(this);
  }

  /** Stop taking requests in: close once every delivered request is answered. */
  void drain() {
    draining = true;
    maybeClose();
  }

  private void maybeClose() {
    Connection c = connection;
    if (draining && outstanding.get() == 0 && c != null) {
      c.close();
    }
  }

  final class Response implements ServerResponse<M> {
    private final Connection conn;
    private final long msgId;
    private final AtomicBoolean answered = new AtomicBoolean();

    Response(Connection conn, long msgId) {
      this.conn = conn;
      this.msgId = msgId;
    }

    @Override
    public long msgId() {
      return msgId;
    }

    @Override
    public void send(M reply) {
      if (!answered.compareAndSet(false, true)) {
        ReferenceCountUtil.release(reply);
        throw new IllegalStateException("msgId " + msgId + " was already answered");
      }
      try {
        ByteBuf payload;
        try {
          long replyId = codec.msgId(reply);
          if (replyId != msgId) {
            throw new IllegalArgumentException("reply carries msgId " + replyId + ", the request " + msgId);
          }
          payload = codec.encode(reply, conn.alloc());
        } finally {
          ReferenceCountUtil.release(reply);
        }
        conn.send(payload);
        server.responses.increment();
      } finally {
        watchdog.answered();
        outstanding.decrementAndGet();
        maybeClose();
      }
    }

    void abandon() {
      if (answered.compareAndSet(false, true)) {
        watchdog.answered();
        outstanding.decrementAndGet();
        maybeClose();
      }
    }

    @Override
    public boolean isAnswered() {
      return answered.get();
    }

    @Override
    public SocketAddress remoteAddress() {
      return conn.remoteAddress();
    }
  }
}
