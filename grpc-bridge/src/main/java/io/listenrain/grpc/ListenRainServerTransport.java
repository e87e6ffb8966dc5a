package io.listenrain.grpc;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.SettableFuture;
import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.InternalChannelz.SocketStats;
import io.grpc.InternalLogId;
import io.grpc.InternalMetadata;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.grpc.internal.GrpcAttributes;
import io.grpc.internal.GrpcUtil;
import io.grpc.internal.KeepAliveEnforcer;
import io.grpc.internal.KeepAliveManager;
import io.grpc.internal.MaxConnectionIdleManager;
import io.grpc.internal.ServerTransport;
import io.grpc.internal.ServerTransportListener;
import io.grpc.internal.SharedResourceHolder;
import io.grpc.internal.StatsTraceContext;
import io.grpc.internal.TransportTracer;
import io.listenrain.channel.Channel;
import io.listenrain.errors.ConnectionClosedException;
import io.listenrain.errors.QueueFullException;
import io.listenrain.errors.ReadTimeoutException;
import io.listenrain.internal.PeerEventLog;
import io.listenrain.transport.Connection;
import io.listenrain.transport.PacketHandler;
import io.listenrain.transport.PacketQueues;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.concurrent.EventExecutor;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLSession;

/**
 * The server side of one ListenRain gRPC connection. All state lives on the connection's I/O thread; application
 * threads reach it through an ordered {@link CommandQueue}, timers through {@link #commands}. Listener callbacks are
 * made from the I/O thread, never under a lock.
 */
final class ListenRainServerTransport implements ServerTransport, PacketHandler, FrameReader.Listener {
  /** How long an idle connection stays open after GOAWAY for the client to close it first (see maybeCloseIdle). */
  static final long GOAWAY_LINGER_MILLIS = 1_000;
  /**
   * The longest a call the client reset keeps its concurrency slot while its application side has not closed it:
   * 10 s. Cancel-then-open therefore cannot run more than {@code maxConcurrentCallsPerConnection} handlers at once
   * unless handlers outlive this bound after their call was cancelled.
   */
  static final long CANCELLED_SLOT_HOLD_MILLIS = 10_000;
  /** Shortest and longest period of the stall and stream-idle checks (a tenth of the timeout, within these). */
  static final long MIN_CHECK_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  static final long MAX_CHECK_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** Events a peer causes: at most one line per kind per second, stack traces at FINE. */
  static final PeerEventLog PEER_LOG = new PeerEventLog(Logger.getLogger(ListenRainServerTransport.class.getName()));

  private final Channel channel;
  private final TransportConfig config;
  private final List<? extends ServerStreamTracer.Factory> tracerFactories;
  private final ScheduledExecutorService scheduler;
  private final InternalLogId logId;
  private final TransportTracer tracer;
  private final ByteBufAllocator alloc;
  private final EventExecutor loop;
  private final FrameReader reader;
  private final CommandQueue commandQueue;
  private final SocketAddress remote;
  private final SocketAddress local;

  // I/O-thread state.
  private ServerTransportListener listener;
  private Connection conn;
  private Attributes attributes = Attributes.EMPTY;
  private final InboundFlowController inbound;
  /** Connection credit held back while the queued responses are over the send budget (see sendWindow). */
  private int withheldConnectionCredit;
  /** How many times connection credit was held back; read by tests. */
  private volatile int creditHolds;
  private final OutboundFlowController outbound;
  /** Frame bytes handed to the connection so far; the command queue bounds a task's writes with it. */
  private long bytesSent;
  private final IntObjectHashMap<ListenRainServerStream> streams = new IntObjectHashMap<>();
  private Settings peer;
  private int lastStreamId;
  private boolean goAwaySent;
  /** The first GOAWAY of a graceful drain (last stream id 2^31-1) and its PING are out; the final one is not. */
  private boolean drainStarted;
  private ScheduledFuture<?> drainPingTimer;
  private boolean closeStarted;
  private boolean closed;
  private boolean terminated;
  private KeepAliveEnforcer keepAliveEnforcer;
  private MaxConnectionIdleManager idleManager;
  private KeepAliveManager keepAlive;
  private long keepAlivePingPayload;
  private ScheduledFuture<?> maxAgeFuture;
  private ScheduledFuture<?> graceFuture;
  private ScheduledFuture<?> lingerFuture;
  private ScheduledFuture<?> handshakeTimer;
  private final AbusePolicy abuse;
  private final ResponseBudget responseBudget;
  /** Closes the connection if it is still at its response budget when it fires; null while under it. */
  private ScheduledFuture<?> responseDeadline;
  private volatile long responseBudgetSaturations;
  private volatile long refusedOverResponseBudget;
  /** Why this end dropped the peer, if it did; for tests. */
  volatile RuntimeException misbehaviour;
  /** Completed with the close cause ({@code null} for a clean close) when the connection has closed; for tests. */
  final java.util.concurrent.CompletableFuture<Throwable> closeCause = new java.util.concurrent.CompletableFuture<>();
  private HandshakeCodec codec;
  /** Streams the client reset whose application side has not closed them yet: they keep their concurrency slot. */
  private int cancelledHoldingSlots;
  /** The periodic stall and stream-idle check, while the connection is open after its handshake. */
  private ScheduledFuture<?> checkTask;
  /** When bytes last arrived (config ticker), for the stall timeout. */
  private long lastReadNanos;

  ListenRainServerTransport(Channel channel, TransportConfig config,
      List<? extends ServerStreamTracer.Factory> tracerFactories) {
    this.channel = channel;
    this.config = config;
    this.tracerFactories = tracerFactories;
    this.scheduler = SharedResourceHolder.get(GrpcUtil.TIMER_SERVICE);
    this.remote = Addresses.normalize(channel.remoteAddress());
    this.local = Addresses.normalize(channel.localAddress());
    this.logId = InternalLogId.allocate(getClass(), String.valueOf(remote));
    this.tracer = config.tracerFactory.create();
    this.alloc = channel.alloc();
    this.loop = channel.executor();
    this.reader = new FrameReader(true, config.maxFrameSize, config.maxInboundMetadataSize);
    this.commandQueue = new CommandQueue(OutOfMemoryPolicy.guard(loop, config.onOutOfMemory), this::writePending,
        () -> bytesSent);
    this.inbound = new InboundFlowController(config.flowControlWindow, config.flowControlWindow, this::sendWindow);
    this.outbound = new OutboundFlowController(alloc, this::send, Settings.defaults());
    this.abuse = new AbusePolicy(config, System::nanoTime);
    this.responseBudget = new ResponseBudget(config.maxQueuedResponseBytes);
    // The windows belong to the I/O thread: read there (getStats hops onto it), unknown (-1) anywhere else.
    tracer.setFlowControlWindowReader(() -> loop.inEventLoop()
        ? new TransportTracer.FlowControlWindows(inbound.connectionWindow(), outbound.connectionWindow())
        : new TransportTracer.FlowControlWindows(-1, -1));
  }

  /** The abuse budgets of this connection, for tests. */
  AbusePolicy abusePolicy() {
    return abuse;
  }

  ByteBufAllocator alloc() {
    return alloc;
  }

  /**
   * The connection under this transport, for tests that read its counters. I/O-thread state: set before
   * {@code serverTransportCreated} is told, so a test reads it from that callback.
   */
  Connection connection() {
    return conn;
  }

  /** Starts reading; called once, by the server, right after {@code transportCreated}. Any thread. */
  void start(ServerTransportListener listener) {
    runOnLoop(() -> {
      this.listener = listener;
      codec = new HandshakeCodec(config.maxPacketLength(), config.maxHeadersFrame(), this::headersFrameTooLarge);
      conn = Connection.open(new PrefaceChannel(channel), codec,
          PacketQueues.bounded(config.outboundQueueCapacity), this);
      if (peer == null && !closed) {
        handshakeTimer = loop.schedule(this::handshakeTimedOut, config.handshakeTimeoutNanos, TimeUnit.NANOSECONDS);
      }
      send(FrameWriter.settings(alloc, config.localSettings()));
      if (config.serverTransportCreated != null) {
        config.serverTransportCreated.accept(this);
      }
    });
  }

  /** The preface and first SETTINGS did not arrive in time (slowloris): drop the connection without a word. */
  private void handshakeTimedOut() {
    if (peer == null && !closed) {
      conn.abort(new HandshakeTimeoutException("no preface and SETTINGS within "
          + TimeUnit.NANOSECONDS.toMillis(config.handshakeTimeoutNanos) + " ms"));
    }
  }

  void commands(Runnable command) {
    commandQueue.enqueue(command);
  }

  /** As {@link #commands(Runnable)}; without {@code flush} the command waits for the next flushing one. */
  void commands(Runnable command, boolean flush) {
    if (flush) {
      commandQueue.enqueue(command);
    } else {
      commandQueue.enqueueWithoutFlush(command);
    }
  }

  void runOnLoop(Runnable r) {
    if (loop.inEventLoop()) {
      r.run();
    } else {
      loop.execute(r);
    }
  }

  /** Test hook: the most response DATA bytes this connection has held queued, read on the I/O thread. */
  java.util.concurrent.CompletableFuture<Long> peakQueuedResponseBytes() {
    java.util.concurrent.CompletableFuture<Long> f = new java.util.concurrent.CompletableFuture<>();
    runOnLoop(() -> f.complete(outbound.peakQueuedDataBytes()));
    return f;
  }

  /** Test hook: the response DATA bytes this connection holds queued now, read on the I/O thread. */
  java.util.concurrent.CompletableFuture<Long> queuedResponseBytes() {
    java.util.concurrent.CompletableFuture<Long> f = new java.util.concurrent.CompletableFuture<>();
    runOnLoop(() -> f.complete(outbound.queuedDataBytes()));
    return f;
  }

  /** Test hook: how many times this connection reached its response budget. */
  long responseBudgetSaturations() {
    return responseBudgetSaturations;
  }

  /** Test hook: new streams refused because the connection was at its response budget. */
  long refusedStreamsOverResponseBudget() {
    return refusedOverResponseBudget;
  }

  /** Test hook: how many times this connection held back its credit for the send budget. */
  int creditHolds() {
    return creditHolds;
  }

  private void writePending() {
    if (!closed) {
      outbound.writePending();
      long lowWater = config.maxQueuedSendBytes - config.maxQueuedSendBytes / 2; // half, rounded up
      if (withheldConnectionCredit > 0 && outbound.queuedDataBytes() < lowWater) {
        int inc = withheldConnectionCredit;
        withheldConnectionCredit = 0;
        send(FrameWriter.window(alloc, 0, inc));
      }
      if (responseBudget.drained(outbound.queuedDataBytes()) && responseDeadline != null) {
        responseDeadline.cancel(false);
        responseDeadline = null;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------- lifecycle

  @Override
  public void shutdown() {
    commands(this::drain);
  }

  /**
   * A graceful drain in two steps (docs/PROTOCOL.md §6): GOAWAY with the largest stream id, which tells the client to
   * start no new stream here while every stream it has already sent is still served, and a PING. The client answers
   * the PING after it has read the GOAWAY, so every HEADERS it sent before it stopped is read before the answer;
   * then (or after {@link TransportConfig#drainPingTimeoutNanos} without an answer) the final GOAWAY names the real
   * last stream id and later streams are refused. A call the client starts while the first GOAWAY is in flight is
   * thus served here, and one it starts after reading it goes to another connection: none fails.
   */
  private void drain() {
    if (drainStarted || goAwaySent || closed || closeStarted) {
      return;
    }
    if (peer == null) {
      goAway(); // no stream can be in flight before the handshake
      return;
    }
    drainStarted = true;
    send(FrameWriter.goAway(alloc, Integer.MAX_VALUE, Wire.NO_ERROR, "server shutdown"));
    send(FrameWriter.ping(alloc, false, Wire.DRAIN_PING_PAYLOAD));
    drainPingTimer = scheduler.schedule(() -> commands(this::goAway), config.drainPingTimeoutNanos,
        TimeUnit.NANOSECONDS);
  }

  /** The final GOAWAY: the last stream id this end read; streams above it are refused. */
  private void goAway() {
    if (goAwaySent || closed) {
      return;
    }
    goAwaySent = true;
    if (drainPingTimer != null) {
      drainPingTimer.cancel(false);
    }
    send(FrameWriter.goAway(alloc, lastStreamId, Wire.NO_ERROR, "server shutdown"));
    maybeCloseIdle();
  }

  @Override
  public void shutdownNow(Status reason) {
    commands(() -> {
      goAway();
      for (ListenRainServerStream s : new ArrayList<>(streams.values())) {
        send(FrameWriter.rst(alloc, s.streamId(), Wire.CANCEL));
        finishStream(s);
        s.transportState().transportReportStatus(reason);
      }
      closeConnection();
    });
  }

  /**
   * After GOAWAY, once no stream is left, the connection should end. The client closes it itself as soon as it has
   * read the GOAWAY and has no calls left; the server closes only after {@link #GOAWAY_LINGER_MILLIS}. Closing at
   * once would race with requests the client sent before it read the GOAWAY: arriving at a closed socket, they make
   * the kernel answer with a reset, which can destroy the client's unread GOAWAY, so the client would see a bare
   * "connection closed" instead of a refusal it can retry transparently. Requests arriving meanwhile are refused
   * (RST REFUSED_STREAM), which the client retries on a new connection.
   */
  private void maybeCloseIdle() {
    if (goAwaySent && streams.isEmpty() && !closeStarted && lingerFuture == null && !closed) {
      lingerFuture = scheduler.schedule(() -> commands(this::closeConnection), GOAWAY_LINGER_MILLIS,
          TimeUnit.MILLISECONDS);
    }
  }

  private void closeConnection() {
    if (!closeStarted && conn != null) {
      closeStarted = true;
      conn.close();
    }
  }

  @Override
  public void connectionClosed(Connection connection, Throwable cause) {
    closed = true;
    if (peer != null) {
      config.metrics.connectionClosed(true);
    }
    closeCause.complete(cause);
    Status s = Status.UNAVAILABLE.withDescription("connection closed").withCause(cause);
    for (ListenRainServerStream st : new ArrayList<>(streams.values())) {
      finishStream(st);
      st.transportState().transportReportStatus(s);
    }
    if (keepAlive != null) {
      keepAlive.onTransportTermination();
    }
    if (idleManager != null) {
      idleManager.onTransportTermination();
    }
    if (maxAgeFuture != null) {
      maxAgeFuture.cancel(false);
    }
    if (graceFuture != null) {
      graceFuture.cancel(false);
    }
    if (lingerFuture != null) {
      lingerFuture.cancel(false);
    }
    if (drainPingTimer != null) {
      drainPingTimer.cancel(false);
    }
    if (handshakeTimer != null) {
      handshakeTimer.cancel(false);
    }
    if (checkTask != null) {
      checkTask.cancel(false);
    }
    if (responseDeadline != null) {
      responseDeadline.cancel(false);
    }
    if (!terminated) {
      terminated = true;
      SharedResourceHolder.release(GrpcUtil.TIMER_SERVICE, scheduler);
      listener.transportTerminated();
    }
  }

  @Override
  public ScheduledExecutorService getScheduledExecutorService() {
    return scheduler;
  }

  @Override
  public ListenableFuture<SocketStats> getStats() {
    SettableFuture<SocketStats> stats = SettableFuture.create();
    try {
      runOnLoop(() -> stats.set(stats()));
    } catch (RejectedExecutionException loopGone) {
      stats.set(stats()); // a closed connection's loop may be gone: no windows then
    }
    return stats;
  }

  private SocketStats stats() {
    return new SocketStats(tracer.getStats(), local, remote, SocketOptionsReader.read(conn),
        SocketOptionsReader.security(channel.sslSession().orElse(null)));
  }

  @Override
  public InternalLogId getLogId() {
    return logId;
  }

  @Override
  public String toString() {
    return "ListenRainServerTransport[" + logId + " " + remote + "]";
  }

  // ---------------------------------------------------------------------------------------------- streams

  void writeHeaders(ListenRainServerStream s, byte[][] md) {
    if (s.finished) {
      return;
    }
    ByteBuf frame = FrameWriter.responseHeaders(alloc, s.streamId(), md);
    if (tooLargeForPeer(s, frame, "response headers")) {
      return;
    }
    outbound.enqueueControl(s.out, frame, null);
    s.lastActivityNanos = config.ticker.getAsLong();
    if (keepAliveEnforcer != null) {
      keepAliveEnforcer.resetCounters();
    }
  }

  void writeData(ListenRainServerStream s, ByteBuf buf) {
    if (s.finished) {
      buf.release();
      return;
    }
    if (!admitResponse(s)) {
      buf.release();
      return;
    }
    outbound.enqueueData(s.out, buf, false);
    s.lastActivityNanos = config.ticker.getAsLong();
    if (keepAliveEnforcer != null) {
      keepAliveEnforcer.resetCounters();
    }
  }

  void writeTrailers(ListenRainServerStream s, Status status, byte[][] md) {
    releaseSlot(s);
    if (s.finished) {
      return;
    }
    ByteBuf frame = FrameWriter.trailers(alloc, s.streamId(), status.getCode().value(), status.getDescription(), md);
    if (tooLargeForPeer(s, frame, "response trailers")) {
      return;
    }
    outbound.enqueueControl(s.out, frame, () -> {
      finishStream(s);
      s.transportState().complete();
    });
  }

  /**
   * The response budget ({@link ResponseBudget}): true if the stream may queue more response DATA; if the connection
   * has just reached its budget, the deadline starts. False: twice the budget is queued, the call fails
   * RESOURCE_EXHAUSTED (trailers, then a reset).
   */
  private boolean admitResponse(ListenRainServerStream s) {
    long before = responseBudget.saturations();
    long queued = outbound.queuedDataBytes();
    boolean admitted = responseBudget.admit(queued);
    if (responseBudget.saturations() != before) {
      responseBudgetSaturations = responseBudget.saturations();
      if (responseDeadline == null) {
        responseDeadline = scheduler.schedule(() -> commands(this::responseDeadlineExpired),
            config.queuedResponseDeadlineNanos, TimeUnit.NANOSECONDS);
      }
    }
    if (admitted) {
      return true;
    }
    Status status = Status.RESOURCE_EXHAUSTED.withDescription("the client does not read its responses: " + queued
        + " bytes wait on the connection (budget " + responseBudget.budget() + ")");
    send(FrameWriter.trailers(alloc, s.streamId(), status.getCode().value(), status.getDescription(),
        new byte[0][]));
    cancelOnLoop(s, status, Wire.CANCEL);
    return false;
  }

  /**
   * The connection stayed at its response budget for the whole deadline: its calls fail, everything queued for it is
   * released, and it goes with GOAWAY(ENHANCE_YOUR_CALM).
   */
  private void responseDeadlineExpired() {
    responseDeadline = null;
    if (!responseBudget.saturated() || closed || closeStarted) {
      return;
    }
    PeerAbuseException e = new PeerAbuseException(Wire.ENHANCE_YOUR_CALM, "too_many_queued_response_bytes: "
        + outbound.queuedDataBytes() + " bytes of responses queued for "
        + TimeUnit.NANOSECONDS.toMillis(config.queuedResponseDeadlineNanos) + " ms (budget "
        + responseBudget.budget() + "): the client does not read");
    PEER_LOG.log(Level.WARNING, "response-budget", "closing the gRPC connection from " + remote + ": "
        + e.getMessage());
    Status status = Status.UNAVAILABLE.withDescription(e.getMessage()).withCause(e);
    for (ListenRainServerStream st : new ArrayList<>(streams.values())) {
      finishStream(st); // releases what it had queued
      st.transportState().transportReportStatus(status);
    }
    misbehaved(e);
  }

  /**
   * A HEADERS or TRAILERS frame above the protocol's 1 MiB frame limit would make the client drop the whole
   * connection (its packet decoder refuses it): release it and reset only this stream. True if it was too large.
   */
  private boolean tooLargeForPeer(ListenRainServerStream s, ByteBuf frame, String what) {
    if (frame.readableBytes() <= Wire.MAX_CONTROL_FRAME) {
      return false;
    }
    int size = frame.readableBytes();
    frame.release();
    cancelOnLoop(s, Status.INTERNAL.withDescription(what + " of " + size + " bytes exceed the "
        + Wire.MAX_CONTROL_FRAME + "-byte frame limit"), Wire.INTERNAL_ERROR);
    return true;
  }

  /**
   * The server side cancels {@code s} (grpc-core's {@code stream.cancel}). A cancel for DEADLINE_EXCEEDED counts
   * against the reset budget: the deadline is the peer's choice, and a peer asking for 1 ns deadlines makes this end
   * reset every stream it opens (issue #12, finding 4). Other cancels come from the application and do not count.
   */
  void cancelByServer(ListenRainServerStream s, Status status) {
    if (status.getCode() == Status.Code.DEADLINE_EXCEEDED && !s.finished && !closeStarted) {
      try {
        abuse.reset();
      } catch (PeerAbuseException e) {
        misbehaved(e);
        return;
      }
    }
    cancelOnLoop(s, status, Wire.CANCEL);
  }

  void cancelOnLoop(ListenRainServerStream s, Status status, int errorCode) {
    releaseSlot(s);
    if (s.finished) {
      return;
    }
    send(FrameWriter.rst(alloc, s.streamId(), errorCode));
    finishStream(s);
    s.transportState().transportReportStatus(status);
  }

  void deframeFailed(ListenRainServerStream s, Status status) {
    runOnLoop(() -> {
      if (s.finished) {
        return;
      }
      try {
        abuse.reset(); // a reset we send because of what the peer sent (MadeYouReset)
      } catch (PeerAbuseException e) {
        misbehaved(e);
        return;
      }
      // Best effort: tell the client why, then reset.
      send(FrameWriter.trailers(alloc, s.streamId(), status.getCode().value(), status.getDescription(),
          new byte[0][]));
      cancelOnLoop(s, status, Wire.CANCEL);
    });
  }

  void bytesRead(ListenRainServerStream s, int n) {
    runOnLoop(() -> {
      if (!closed) {
        inbound.bytesRead(s.streamId(), s.in, n);
      }
    });
  }

  private void finishStream(ListenRainServerStream s) {
    if (s.finished) {
      return;
    }
    s.finished = true;
    streams.remove(s.streamId());
    inbound.streamDone(s.in);
    outbound.cancel(s.out);
    if (streams.isEmpty()) {
      if (keepAliveEnforcer != null) {
        keepAliveEnforcer.onTransportIdle();
      }
      if (idleManager != null) {
        idleManager.onTransportIdle();
      }
      if (keepAlive != null) {
        keepAlive.onTransportIdle();
      }
    }
    if (!closed) {
      maybeCloseIdle();
    }
  }

  // ---------------------------------------------------------------------------------------------- I/O

  private void send(ByteBuf frame) {
    Connection c = conn;
    if (c == null || closed) {
      frame.release();
      return;
    }
    bytesSent += frame.readableBytes();
    try {
      c.send(frame);
    } catch (ConnectionClosedException e) {
      // released by send
    } catch (QueueFullException e) {
      c.abort(e);
    }
  }

  /**
   * Connection credit waits while the responses queued on this connection reach the send budget: a client then stops
   * sending request bytes once the window it holds is used up, and its own budget stops making new calls ready, so
   * requests wait unserialized on the client instead of turning into queued responses here (a unary handler answers
   * at once, whatever the readiness of its call). The credit goes out when the queue falls below half the budget
   * ({@link #writePending}). Responses keep flowing, and so does stream credit (bounded by the connection window).
   */
  private void sendWindow(int streamId, int increment) {
    if (streamId == 0 && (withheldConnectionCredit > 0 || outbound.queuedDataBytes() >= config.maxQueuedSendBytes)) {
      if (withheldConnectionCredit == 0) {
        creditHolds++;
      }
      withheldConnectionCredit = (int) Math.min(Integer.MAX_VALUE, (long) withheldConnectionCredit + increment);
      return;
    }
    send(FrameWriter.window(alloc, streamId, increment));
  }

  @Override
  public void packetReceived(Connection connection, ByteBuf packet) {
    try {
      if (misbehaviour != null) {
        return; // dropping the peer: what it sends after the offence is not even parsed
      }
      if (keepAlive != null) {
        keepAlive.onDataReceived();
      }
      if (peer == null && packet.readableBytes() > 0 && packet.getUnsignedByte(packet.readerIndex()) != Wire.SETTINGS) {
        throw new GrpcProtocolException("the first frame must be SETTINGS");
      }
      reader.read(packet, this);
    } catch (GrpcProtocolException e) {
      misbehaved(Wire.PROTOCOL_ERROR, e);
    } catch (PeerAbuseException e) {
      misbehaved(e);
    } catch (OutOfMemoryError e) {
      config.onOutOfMemory.accept(e);
      throw e;
    } finally {
      packet.release();
    }
  }

  private void misbehaved(PeerAbuseException e) {
    misbehaved(e.errorCode(), e);
  }

  /**
   * The peer broke the protocol or a budget: GOAWAY with {@code errorCode}, then close. A peer that does not read
   * could hold a graceful close open forever, so the connection is aborted at once if it cannot be written to, and
   * after {@link #GOAWAY_LINGER_MILLIS} otherwise.
   */
  private void misbehaved(int errorCode, RuntimeException e) {
    if (closeStarted || conn == null) {
      return;
    }
    closeStarted = true;
    misbehaviour = e;
    PEER_LOG.log(Level.INFO, "grpc-goaway", "gRPC connection from " + remote + " sent away (GOAWAY "
        + errorCode + ")", e);
    Connection c = conn;
    if (!channel.isWritable()) {
      c.abort(e);
      return;
    }
    send(FrameWriter.goAway(alloc, lastStreamId, errorCode, e.getMessage()));
    c.close();
    scheduler.schedule(() -> runOnLoop(() -> c.abort(e)), GOAWAY_LINGER_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** The client reset {@code s} while its handler may still run: it keeps its slot until the application closes it. */
  private void holdSlot(ListenRainServerStream s) {
    if (config.maxConcurrentStreams == Integer.MAX_VALUE) {
      return; // no limit to bypass
    }
    s.holdsSlot = true;
    cancelledHoldingSlots++;
    // An application that never closes a cancelled call (a unary call reset before its request ended never reaches
    // its handler) must not shrink the connection for good: the slot comes back after this bound at the latest.
    scheduler.schedule(() -> commands(() -> releaseSlot(s)), CANCELLED_SLOT_HOLD_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void releaseSlot(ListenRainServerStream s) {
    if (s.holdsSlot) {
      s.holdsSlot = false;
      cancelledHoldingSlots--;
    }
  }

  @Override
  public void readComplete(Connection connection) {
    lastReadNanos = config.ticker.getAsLong();
    writePending();
  }

  /** A HEADERS frame announced larger than any within the metadata limit: refused from its header (I/O thread). */
  private void headersFrameTooLarge(long length) {
    misbehaved(Wire.PROTOCOL_ERROR, new GrpcProtocolException("HEADERS frame of " + length + " bytes exceeds the "
        + config.maxHeadersFrame() + "-byte bound of the " + config.maxInboundMetadataSize + "-byte metadata limit"));
  }

  /**
   * Runs every tenth of the shortest of the stall and stream-idle timeouts (I/O thread). Stall: part of a frame is
   * buffered and no byte came for the stall timeout (as the native server's ConnectionWatchdog): GOAWAY and close.
   * Stream idle: a call without a deadline that sent and received nothing for the idle timeout is reset (CANCEL).
   */
  private void check() {
    if (closed || closeStarted) {
      return;
    }
    long now = config.ticker.getAsLong();
    if (config.stallTimeoutNanos > 0 && codec.hasPartialPacket() && now - lastReadNanos >= config.stallTimeoutNanos) {
      misbehaved(Wire.ENHANCE_YOUR_CALM, new ReadTimeoutException("a frame stalled half-way: no byte for "
          + TimeUnit.NANOSECONDS.toMillis(config.stallTimeoutNanos) + " ms (" + remote + ")"));
      return;
    }
    if (config.streamIdleTimeoutNanos > 0) {
      for (ListenRainServerStream s : new ArrayList<>(streams.values())) {
        if (!s.hasDeadline && now - s.lastActivityNanos >= config.streamIdleTimeoutNanos) {
          cancelOnLoop(s, Status.CANCELLED.withDescription("call idle for "
              + TimeUnit.NANOSECONDS.toMillis(config.streamIdleTimeoutNanos) + " ms without a deadline"), Wire.CANCEL);
        }
      }
    }
  }

  private void startChecks() {
    long shortest = Long.MAX_VALUE;
    for (long t : new long[] {config.stallTimeoutNanos, config.streamIdleTimeoutNanos}) {
      if (t > 0) {
        shortest = Math.min(shortest, t);
      }
    }
    if (shortest == Long.MAX_VALUE) {
      return;
    }
    long period = Math.max(MIN_CHECK_PERIOD_NANOS, Math.min(MAX_CHECK_PERIOD_NANOS, shortest / 10));
    lastReadNanos = config.ticker.getAsLong();
    checkTask = loop.scheduleAtFixedRate(this::check, period, period, TimeUnit.NANOSECONDS);
  }

  // ---------------------------------------------------------------------------------------------- frames

  @Override
  public void settings(Settings settings) {
    abuse.reply(conn.queueDepth());
    send(FrameWriter.settingsAck(alloc));
    if (peer != null) {
      return;
    }
    peer = settings;
    config.metrics.connectionOpened(true);
    codec.handshakeDone();
    if (handshakeTimer != null) {
      handshakeTimer.cancel(false);
    }
    outbound.applyPeerSettings(settings);
    SSLSession session = channel.sslSession().orElse(null);
    Attributes attrs = Attributes.newBuilder()
        .set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, remote)
        .set(Grpc.TRANSPORT_ATTR_LOCAL_ADDR, local)
        .set(Grpc.TRANSPORT_ATTR_SSL_SESSION, session)
        .set(GrpcAttributes.ATTR_SECURITY_LEVEL, session != null || "pipe".equals(channel.kind())
            ? SecurityLevel.PRIVACY_AND_INTEGRITY : SecurityLevel.NONE)
        .build();
    attributes = listener.transportReady(attrs);
    startPolicing();
    startChecks();
  }

  private void startPolicing() {
    keepAliveEnforcer = new KeepAliveEnforcer(config.permitKeepAliveWithoutCalls, config.permitKeepAliveTimeNanos,
        TimeUnit.NANOSECONDS);
    if (config.maxConnectionIdleNanos != Long.MAX_VALUE) {
      idleManager = new MaxConnectionIdleManager(config.maxConnectionIdleNanos);
      idleManager.start(this::shutdown, scheduler);
    }
    if (config.serverKeepAliveTimeNanos != GrpcUtil.SERVER_KEEPALIVE_TIME_NANOS_DISABLED) {
      keepAlive = new KeepAliveManager(new ServerPinger(), scheduler, config.serverKeepAliveTimeNanos,
          config.serverKeepAliveTimeoutNanos, true);
      keepAlive.onTransportStarted();
    }
    if (config.maxConnectionAgeNanos != Long.MAX_VALUE) {
      // +-10 % jitter, so connections opened together do not all go away together.
      long age = (long) (config.maxConnectionAgeNanos * (0.9 + ThreadLocalRandom.current().nextDouble() * 0.2));
      maxAgeFuture = scheduler.schedule(() -> commands(() -> {
        drain();
        if (config.maxConnectionAgeGraceNanos != Long.MAX_VALUE && !closed) {
          graceFuture = scheduler.schedule(
              () -> shutdownNow(Status.UNAVAILABLE.withDescription("max connection age grace period ended")),
              config.maxConnectionAgeGraceNanos, TimeUnit.NANOSECONDS);
        }
      }), age, TimeUnit.NANOSECONDS);
    }
  }

  /** Server keepalive: pings an idle client, and closes the connection when no answer comes in time. */
  private final class ServerPinger implements KeepAliveManager.KeepAlivePinger {
    @Override
    public void ping() {
      commands(() -> {
        keepAlivePingPayload = ThreadLocalRandom.current().nextLong();
        send(FrameWriter.ping(alloc, false, keepAlivePingPayload));
        tracer.reportKeepAliveSent();
      });
    }

    @Override
    public void onPingTimeout() {
      shutdownNow(Status.UNAVAILABLE.withDescription("keepalive ping not answered"));
    }
  }

  @Override
  public void settingsAck() {}

  /**
   * Checks a new stream id and whether a stream may open now; refuses it (RST REFUSED_STREAM) if not. True if the
   * stream may open.
   */
  private boolean admit(int streamId) {
    if ((streamId & 1) == 0 || streamId <= lastStreamId) {
      throw new GrpcProtocolException("bad client stream id " + streamId + " (last " + lastStreamId + ")");
    }
    if (goAwaySent || closeStarted) {
      send(FrameWriter.rst(alloc, streamId, Wire.REFUSED_STREAM));
      return false;
    }
    lastStreamId = streamId;
    if (responseBudget.saturated()) {
      // The client does not read what it has already asked for: no new work until it does (ResponseBudget).
      refusedOverResponseBudget++;
      abuse.reset();
      send(FrameWriter.rst(alloc, streamId, Wire.REFUSED_STREAM));
      return false;
    }
    if (streams.size() + cancelledHoldingSlots >= config.maxConcurrentStreams) {
      abuse.reset();
      send(FrameWriter.rst(alloc, streamId, Wire.REFUSED_STREAM));
      return false;
    }
    return true;
  }

  /**
   * Request metadata over the limit, found while decoding (which stopped there): the call is refused with
   * RESOURCE_EXHAUSTED. The refusal counts against the reset budget with a weight of one plus one per
   * metadata limit's worth of HEADERS bytes, so a peer that keeps sending huge header blocks is sent away after a
   * few dozen of them, while a client whose metadata is slightly too large costs 1 or 2 per call.
   */
  @Override
  public void requestHeadersTooLarge(int streamId, int frameBytes, MetadataCodec.MetadataTooLargeException e) {
    if (!admit(streamId)) {
      return;
    }
    abuse.reset(1 + frameBytes / Math.max(1, config.maxInboundMetadataSize));
    send(FrameWriter.trailers(alloc, streamId, Status.Code.RESOURCE_EXHAUSTED.value(), e.getMessage(),
        new byte[0][]));
  }

  @Override
  public void requestHeaders(int streamId, String path, String authority, byte[][] metadata) {
    if (!admit(streamId)) {
      return;
    }
    Metadata headers = InternalMetadata.newMetadata(metadata.length / 2, metadata);
    StatsTraceContext ctx = StatsTraceContext.newServerContext(tracerFactories, path, headers);
    config.metrics.streamStarted(true);
    ListenRainServerStream s = new ListenRainServerStream(this, streamId, authority.isEmpty() ? null : authority,
        attributes, ctx, tracer, config.maxInboundMessageSize, inbound.newStream());
    s.lastActivityNanos = config.ticker.getAsLong();
    s.hasDeadline = headers.containsKey(GrpcUtil.TIMEOUT_KEY);
    streams.put(streamId, s);
    outbound.activate(s.out, streamId);
    if (streams.size() == 1) {
      keepAliveEnforcer.onTransportActive();
      if (idleManager != null) {
        idleManager.onTransportActive();
      }
      if (keepAlive != null) {
        keepAlive.onTransportActive();
      }
    }
    try {
      listener.streamCreated(s, path, headers);
    } catch (RuntimeException e) {
      // A header grpc-core cannot parse (a malformed grpc-timeout: "xyz", "", "123456789012S") fails this call only,
      // with INTERNAL as grpc-netty does (it resets the stream with INTERNAL_ERROR); the listener never took the
      // stream, so nothing is reported to it.
      malformedRequest(s, e);
      return;
    }
    s.transportState().onStreamAllocated();
  }

  private void malformedRequest(ListenRainServerStream s, RuntimeException e) {
    PEER_LOG.log(Level.INFO, "grpc-malformed-headers", "gRPC call " + s.streamId() + " from " + remote
        + " refused: malformed request headers", e);
    Status status = Status.INTERNAL.withDescription("malformed request headers: " + e.getMessage());
    send(FrameWriter.trailers(alloc, s.streamId(), status.getCode().value(), status.getDescription(),
        new byte[0][]));
    send(FrameWriter.rst(alloc, s.streamId(), Wire.CANCEL));
    finishStream(s);
    abuse.reset();
  }

  @Override
  public void responseHeaders(int streamId, byte[][] metadata) {
    throw new AssertionError("a server reader decodes request HEADERS");
  }

  @Override
  public void data(int streamId, ByteBuf payload, boolean endStream) {
    ListenRainServerStream s = streams.get(streamId);
    int n = payload.readableBytes();
    try {
      abuse.data(n, endStream);
    } catch (PeerAbuseException e) {
      payload.release();
      throw e;
    }
    if (s == null) {
      payload.release();
      inbound.receivedForClosedStream(n);
      return;
    }
    try {
      inbound.received(s.in, n);
    } catch (GrpcProtocolException e) {
      payload.release();
      throw e;
    }
    if (s.inboundEnded) {
      // HTTP/2's stream error STREAM_CLOSED (RFC 9113 §5.1): this stream fails, its neighbours carry on.
      payload.release();
      PEER_LOG.log(Level.INFO, "grpc-data-after-end", "gRPC call " + streamId + " from " + remote
          + " reset: DATA after END_STREAM");
      send(FrameWriter.rst(alloc, streamId, Wire.STREAM_CLOSED));
      finishStream(s);
      s.transportState().transportReportStatus(Status.INTERNAL.withDescription("the client sent DATA after "
          + "END_STREAM"));
      abuse.reset();
      return;
    }
    s.lastActivityNanos = config.ticker.getAsLong();
    if (endStream) {
      s.inboundEnded = true;
    }
    if (n == 0 && !endStream) {
      payload.release(); // carries nothing; grpc-java's deframer mishandles empty buffers in a row
      return;
    }
    s.transportState().data(payload, endStream);
  }

  @Override
  public void trailers(int streamId, int code, String message, byte[][] metadata) {
    throw new GrpcProtocolException("the client sent TRAILERS");
  }

  @Override
  public void rst(int streamId, int errorCode) {
    abuse.reset();
    ListenRainServerStream s = streams.get(streamId);
    if (s == null) {
      return;
    }
    finishStream(s);
    holdSlot(s);
    s.transportState().transportReportStatus(Status.CANCELLED.withDescription("cancelled by the client"));
  }

  @Override
  public void window(int streamId, int increment) {
    if (streamId == 0) {
      outbound.connectionWindowUpdate(increment);
    } else {
      ListenRainServerStream s = streams.get(streamId);
      if (s != null) {
        outbound.streamWindowUpdate(s.out, increment);
      }
    }
  }

  @Override
  public void ping(boolean ack, long payload) {
    if (ack) {
      if (payload == Wire.DRAIN_PING_PAYLOAD && drainStarted) {
        goAway(); // the client has read the first GOAWAY: everything it sent before is in
      }
      if (payload == keepAlivePingPayload && keepAlive != null) {
        keepAlive.onDataReceived();
      }
      return;
    }
    if (keepAliveEnforcer != null && !keepAliveEnforcer.pingAcceptable()) {
      send(FrameWriter.goAway(alloc, lastStreamId, Wire.ENHANCE_YOUR_CALM, "too_many_pings"));
      goAwaySent = true;
      Status s = Status.RESOURCE_EXHAUSTED.withDescription("too many pings from the client");
      for (ListenRainServerStream st : new ArrayList<>(streams.values())) {
        finishStream(st);
        st.transportState().transportReportStatus(s);
      }
      closeConnection();
      return;
    }
    abuse.reply(conn.queueDepth());
    send(FrameWriter.ping(alloc, true, payload));
  }

  @Override
  public void goAway(int lastStreamId, int errorCode, String message) {
    // The client is leaving: finish what is in flight, accept nothing new.
    goAway();
  }
}
