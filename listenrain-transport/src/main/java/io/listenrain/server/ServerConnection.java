package io.listenrain.server;

import io.listenrain.codec.MessageCodec;
import io.listenrain.codec.MsgId;
import io.listenrain.codec.MsgIdException;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.errors.ConnectionClosedException;
import io.listenrain.transport.Connection;
import io.listenrain.transport.PacketHandler;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One accepted connection of a native server: decodes requests on the I/O thread, in order, and hands each to the
 * router on the callback executor with a {@link Response} that answers through this connection's queue.
 *
 * <p>{@link #outstanding} counts requests delivered and not yet answered; a graceful close waits for it to reach 0.
 * Its {@link ConnectionWatchdog} enforces the server's handshake, stall and idle timeouts.
 *
 * <h2>Backpressure</h2>
 * The connection stops reading while it holds its limit of requests in progress (count or packet bytes, see
 * {@link ProtocolSpec.Builder#serverMaxRequestsInProgress}) or while its channel cannot take more outbound bytes, and
 * resumes once answers bring both counts to three quarters of their limits and the channel is writable. Pausing and
 * resuming happen on the I/O thread; an answering thread that sees a pause and low counts asks the I/O thread to
 * resume. The pause flag is written before the counts are checked again, and answers lower the counts before they
 * read the flag, so one side always sees the other: a pause cannot outlive the last answer.
 */
final class ServerConnection<M> implements PacketHandler {
  private static final System.Logger LOG = System.getLogger(ServerConnection.class.getName());

  private final NativeServer<M> server;
  private final MessageCodec<M> codec;
  private final boolean opaqueIds;
  /** Requests received, the local number of a request when ids are opaque (I/O thread only). */
  private long received;
  /** Whether a bad msgID was logged for this connection (I/O thread only): once per connection. */
  private boolean badMsgIdLogged;
  private final ServerRouter<M> router;
  private final Executor executor;
  @SuppressWarnings("rawtypes") // A field updater of a generic class is created from the raw class.
  private static final AtomicIntegerFieldUpdater<ServerConnection.Response> ANSWERED =
      AtomicIntegerFieldUpdater.newUpdater(ServerConnection.Response.class, "answered");

  private final AtomicInteger outstanding = new AtomicInteger();
  private final AtomicLong outstandingBytes = new AtomicLong();
  private final int maxRequests;
  private final long maxBytes;
  /** Reads resume at or below these: three quarters of the limits, and always below them. */
  private final int resumeRequests;
  private final long resumeBytes;
  /** Reads paused for backpressure; written on the I/O thread only. */
  private volatile boolean readsPaused;
  private final AtomicBoolean resumeScheduled = new AtomicBoolean();
  private volatile boolean draining;
  final ConnectionWatchdog watchdog;
  volatile Connection connection;

  ServerConnection(NativeServer<M> server, ProtocolSpec<M> spec, ServerRouter<M> router, ServerTimeouts timeouts) {
    this.server = server;
    this.codec = spec.messageCodec();
    this.opaqueIds = codec.msgIdKind() == MessageCodec.MsgIdKind.OPAQUE;
    this.router = router;
    this.executor = spec.executor();
    this.maxRequests = spec.serverMaxRequestsInProgress();
    this.maxBytes = spec.serverMaxRequestBytesInProgress();
    this.resumeRequests = Math.min(maxRequests - 1, maxRequests - maxRequests / 4);
    this.resumeBytes = Math.min(maxBytes - 1, maxBytes - maxBytes / 4);
    this.watchdog = new ConnectionWatchdog(timeouts, outstanding::get);
  }

  @Override
  public void readComplete(Connection conn) {
    watchdog.readComplete();
  }

  @Override
  public void packetReceived(Connection conn, ByteBuf packet) {
    watchdog.packetReceived();
    int size = packet.readableBytes();
    M message;
    long msgId;
    MsgId opaqueId = null;
    try {
      message = codec.decode(packet);
    } catch (MsgIdException e) {
      badMsgId(conn, e); // the codec released the packet
      return;
    } catch (RuntimeException e) {
      NativeServer.PEER_LOG.log(java.util.logging.Level.WARNING, "bad request",
          "closing the connection from " + conn.remoteAddress() + " after a bad request", e);
      conn.abort(e);
      return;
    }
    try {
      if (opaqueIds) {
        opaqueId = codec.opaqueMsgId(message);
        msgId = ++received;
      } else {
        msgId = codec.msgId(message);
      }
    } catch (MsgIdException e) {
      ReferenceCountUtil.release(message);
      badMsgId(conn, e);
      return;
    } catch (RuntimeException e) {
      ReferenceCountUtil.release(message);
      NativeServer.PEER_LOG.log(java.util.logging.Level.WARNING, "bad request",
          "closing the connection from " + conn.remoteAddress() + " after a bad request", e);
      conn.abort(e);
      return;
    }
    outstanding.incrementAndGet();
    outstandingBytes.addAndGet(size);
    server.requests.increment();
    Response response = new Response(conn, msgId, opaqueId, message, size);
    try {
      executor.execute(response); // routes the request
    } catch (RejectedExecutionException e) {
      LOG.log(Level.WARNING, "callback executor rejected a request; dropping msgId " + msgId, e);
      ReferenceCountUtil.release(message);
      response.abandon();
    }
    if (!readsPaused && (outstanding.get() >= maxRequests || outstandingBytes.get() >= maxBytes)) {
      pauseReads(conn);
    }
  }

  /**
   * A request whose msgID cannot be read: it cannot be answered (an answer needs the id), and the length prefix kept
   * the stream in step, so only this packet is dropped. Counted; logged once per connection (I/O thread).
   */
  private void badMsgId(Connection conn, MsgIdException e) {
    server.badMsgIds.increment();
    if (!badMsgIdLogged) {
      badMsgIdLogged = true;
      NativeServer.PEER_LOG.log(java.util.logging.Level.WARNING, "unreadable msgId", "dropped a request from "
          + conn.remoteAddress() + " whose msgId cannot be read; further ones on this connection are only counted", e);
    }
  }

  @Override
  public void writabilityChanged(Connection conn, boolean writable) {
    if (!writable) {
      if (!readsPaused) {
        pauseReads(conn);
      }
    } else {
      maybeResumeReads();
    }
  }

  /** I/O thread. */
  private void pauseReads(Connection conn) {
    readsPaused = true;
    conn.channel().setReadsPaused(true);
    watchdog.readsPaused(true);
    server.readPauses.increment();
    if (lowEnoughToResume()) {
      maybeResumeReads(); // every answer may have come before the flag was up
    }
  }

  private boolean lowEnoughToResume() {
    return outstanding.get() <= resumeRequests && outstandingBytes.get() <= resumeBytes;
  }

  /** Any thread, after an answer lowered the counts. */
  private void answeredOne(int size) {
    outstanding.decrementAndGet();
    outstandingBytes.addAndGet(-size);
    if (readsPaused && lowEnoughToResume() && resumeScheduled.compareAndSet(false, true)) {
      Connection c = connection;
      if (c != null) {
        c.executor().execute(() -> {
          resumeScheduled.set(false);
          maybeResumeReads();
        });
      }
    }
  }

  /** I/O thread. */
  private void maybeResumeReads() {
    Connection c = connection;
    if (readsPaused && c != null && c.isOpen() && c.channel().isWritable() && lowEnoughToResume()) {
      readsPaused = false;
      c.channel().setReadsPaused(false);
      watchdog.readsPaused(false);
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

  /**
   * The answer to one request, and also the task that routes the request on the callback executor (one object per
   * request instead of a response, a closure and an atomic flag).
   */
  final class Response implements ServerResponse<M>, Runnable {
    private final Connection conn;
    private final long msgId;
    /** The request's opaque id, or null when the codec's ids are longs. */
    private final MsgId opaqueMsgId;
    /** The request's packet size, counted in progress until answered. */
    private final int size;
    /** The request until {@link #run} hands it to the router. */
    private M request;
    /** 0 until answered or abandoned, then 1; changed only through {@link #ANSWERED}. */
    volatile int answered;

    Response(Connection conn, long msgId, MsgId opaqueMsgId, M request, int size) {
      this.conn = conn;
      this.msgId = msgId;
      this.opaqueMsgId = opaqueMsgId;
      this.request = request;
      this.size = size;
    }

    @Override
    public void run() {
      M message = request;
      request = null;
      try {
        router.route(this, msgId, message);
      } catch (ConnectionClosedException e) {
        // The client left before its answer: the peer's doing, not the router's.
        NativeServer.PEER_LOG.log(java.util.logging.Level.INFO, "client gone before its answer",
            "a client (" + conn.remoteAddress() + ") closed its connection before its answer", e);
        abandon();
      } catch (Throwable t) {
        LOG.log(Level.WARNING, "router threw on msgId " + msgId, t);
        abandon(); // unanswered for good: it must not hold a graceful close open
      }
    }

    private boolean markAnswered() {
      return ANSWERED.compareAndSet(this, 0, 1);
    }

    @Override
    public long msgId() {
      return msgId;
    }

    @Override
    public void send(M reply) {
      if (!markAnswered()) {
        ReferenceCountUtil.release(reply);
        throw new IllegalStateException("msgId " + msgId + " was already answered");
      }
      try {
        ByteBuf payload;
        try {
          if (opaqueMsgId != null) {
            MsgId replyId = codec.opaqueMsgId(reply);
            if (!opaqueMsgId.equals(replyId)) {
              throw new IllegalArgumentException("reply carries msgId " + replyId + ", the request " + opaqueMsgId);
            }
          } else {
            long replyId = codec.msgId(reply);
            if (replyId != msgId) {
              throw new IllegalArgumentException("reply carries msgId " + replyId + ", the request " + msgId);
            }
          }
          payload = codec.encode(reply, conn.alloc());
        } finally {
          ReferenceCountUtil.release(reply);
        }
        // Counted before the bytes can reach the client: a client that has its response sees it in the stats.
        server.responses.increment();
        try {
          conn.send(payload);
        } catch (RuntimeException e) {
          server.responses.decrement();
          throw e;
        }
      } finally {
        watchdog.answered();
        answeredOne(size);
        maybeClose();
      }
    }

    void abandon() {
      if (markAnswered()) {
        watchdog.answered();
        answeredOne(size);
        maybeClose();
      }
    }

    @Override
    public MsgId opaqueMsgId() {
      return opaqueMsgId;
    }

    @Override
    public boolean isAnswered() {
      return answered != 0;
    }

    @Override
    public SocketAddress remoteAddress() {
      return conn.remoteAddress();
    }
  }
}
