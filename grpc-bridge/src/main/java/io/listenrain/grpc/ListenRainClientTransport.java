package io.listenrain.grpc;

import com.google.common.base.Stopwatch;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.SettableFuture;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.grpc.Attributes;
import io.grpc.ChannelLogger;
import io.grpc.ChannelLogger.ChannelLogLevel;
import io.grpc.CallOptions;
import io.grpc.ClientStreamTracer;
import io.grpc.Grpc;
import io.grpc.InternalChannelz.SocketStats;
import io.grpc.InternalLogId;
import io.grpc.InternalMetadata;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import io.grpc.internal.AtomicBackoff;
import io.grpc.internal.AuthorityVerifier;
import io.grpc.internal.ClientStream;
import io.grpc.internal.ClientStreamListener.RpcProgress;
import io.grpc.internal.ConnectionClientTransport;
import io.grpc.internal.FailingClientStream;
import io.grpc.internal.GrpcAttributes;
import io.grpc.internal.GrpcUtil;
import io.grpc.internal.Http2Ping;
import io.grpc.internal.InUseStateAggregator;
import io.grpc.internal.KeepAliveManager;
import io.grpc.internal.StatsTraceContext;
import io.grpc.internal.TransportTracer;
import io.listenrain.channel.Channel;
import io.listenrain.channel.ClientTls;
import io.listenrain.errors.ConnectionClosedException;
import io.listenrain.errors.QueueFullException;
import io.listenrain.transport.Connection;
import io.listenrain.transport.PacketHandler;
import io.listenrain.transport.PacketQueues;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.concurrent.EventExecutor;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLSession;

/**
 * The client side of one ListenRain gRPC connection: a {@link Connection} whose packet handler speaks the frames of
 * docs/PROTOCOL.md.
 *
 * <h2>Threads and locks</h2>
 * Stream state, flow control and frame handling live on the connection's I/O thread. Application threads reach it
 * through an ordered {@link CommandQueue}. The lifecycle ({@code shutdownStatus}, termination) is guarded by
 * {@code lock}, which is never held while calling out; listener callbacks are serialized through a
 * {@link SynchronizationContext}. Before the connection exists, commands wait in {@code preConnect}.
 */
final class ListenRainClientTransport implements ConnectionClientTransport, PacketHandler, FrameReader.Listener {
  private static final Logger log = Logger.getLogger(ListenRainClientTransport.class.getName());

  private final SocketAddress address;
  private final String authority;
  private final String userAgent;
  private final Attributes eagAttrs;
  private final TransportConfig config;
  private final ScheduledExecutorService scheduler;
  private final InternalLogId logId;
  /** The subchannel's logger grpc hands the factory: lifecycle lines land in the channel trace (channelz). */
  private final ChannelLogger channelLogger;
  private final TransportTracer tracer;
  private final ByteBufAllocator alloc;
  private final FrameReader reader;
  private final SynchronizationContext listenerCtx = new SynchronizationContext(
      (t, e) -> log.log(Level.SEVERE, "uncaught exception in a transport listener", e));

  private final Object lock = new Object();
  @GuardedBy("lock")
  private Status shutdownStatus;
  @GuardedBy("lock")
  private Status shutdownNowStatus;
  @GuardedBy("lock")
  private boolean terminated;
  @GuardedBy("lock")
  private CommandQueue commandQueue;
  @GuardedBy("lock")
  private List<Runnable> preConnect = new ArrayList<>();
  @GuardedBy("lock")
  private Connection connection;

  private final AtomicBackoff.State keepAliveBackoff;
  private volatile Attributes attributes;
  private volatile EventExecutor loop;
  private Listener listener;
  private KeepAliveManager keepAlive;

  // I/O-thread state.
  private Connection conn;
  private OutboundFlowController outbound;
  private SendBudget sendBudget;
  private InboundFlowController inbound;
  /** Frame bytes handed to the connection so far; the command queue bounds a task's writes with it. */
  private long bytesSent;
  private final IntObjectHashMap<ListenRainClientStream> streams = new IntObjectHashMap<>();
  private final ArrayDeque<ListenRainClientStream> queued = new ArrayDeque<>();
  private int nextStreamId = 1;
  private Settings peer;
  private boolean ready;
  private boolean goingAway;
  private boolean goAwayReceived;
  private boolean closeStarted;
  private boolean closed;
  private Throwable closeCause;
  private Http2Ping ping;
  /** Set when connected; checks calls whose authority is not the connection's. */
  private CallAuthorityCheck callAuthority;
  private final InUseStateAggregator<ListenRainClientStream> inUse = new InUseStateAggregator<>() {
    @Override
    protected void handleInUse() {
      listenerCtx.execute(() -> listener.transportInUse(true));
    }

    @Override
    protected void handleNotInUse() {
      listenerCtx.execute(() -> listener.transportInUse(false));
    }
  };

  ListenRainClientTransport(SocketAddress address, String authority, String userAgent, Attributes eagAttrs,
      TransportConfig config, ScheduledExecutorService scheduler) {
    this(address, authority, userAgent, eagAttrs, config, scheduler, null, NoopChannelLogger.INSTANCE);
  }

  /**
   * @param keepAliveBackoff the channel-wide keepalive time, doubled when a server answers GOAWAY "too_many_pings";
   *     {@code null} to use the configured time as is
   */
  ListenRainClientTransport(SocketAddress address, String authority, String userAgent, Attributes eagAttrs,
      TransportConfig config, ScheduledExecutorService scheduler, AtomicBackoff.State keepAliveBackoff,
      ChannelLogger channelLogger) {
    this.keepAliveBackoff = keepAliveBackoff;
    this.channelLogger = channelLogger;
    this.address = address;
    this.authority = authority;
    this.userAgent = GrpcUtil.getGrpcUserAgent("listenrain", userAgent);
    this.eagAttrs = eagAttrs;
    this.config = config;
    this.scheduler = scheduler;
    this.logId = InternalLogId.allocate(getClass(), address.toString());
    this.tracer = config.tracerFactory.create();
    this.alloc = config.channelOptions.allocator();
    this.reader = new FrameReader(false, config.maxFrameSize, config.maxInboundMetadataSize);
    this.attributes = Attributes.newBuilder()
        .set(GrpcAttributes.ATTR_CLIENT_EAG_ATTRS, eagAttrs)
        .set(GrpcAttributes.ATTR_SECURITY_LEVEL, securityLevel())
        .set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, address)
        .build();
    // The windows belong to the I/O thread: read there (getStats hops onto it), unknown (-1) anywhere else.
    tracer.setFlowControlWindowReader(() -> {
      EventExecutor l = loop;
      return l != null && l.inEventLoop() && inbound != null
          ? new TransportTracer.FlowControlWindows(inbound.connectionWindow(), outbound.connectionWindow())
          : new TransportTracer.FlowControlWindows(-1, -1);
    });
    if (config.clientTransportCreated != null) {
      config.clientTransportCreated.accept(this);
    }
  }

  /** Test hook: the most DATA bytes this connection has held queued, read on the I/O thread. */
  CompletableFuture<Long> peakQueuedSendBytes() {
    CompletableFuture<Long> f = new CompletableFuture<>();
    runOnLoop(() -> f.complete(outbound == null ? 0L : outbound.peakQueuedDataBytes()));
    return f;
  }

  /** Test hook: how many streams wait for readiness ({@link SendBudget}), read on the I/O thread. */
  CompletableFuture<Integer> streamsWaitingForReadiness() {
    CompletableFuture<Integer> f = new CompletableFuture<>();
    runOnLoop(() -> f.complete(sendBudget == null ? 0 : sendBudget.waiting()));
    return f;
  }

  ByteBufAllocator alloc() {
    return alloc;
  }

  String authority() {
    return authority;
  }

  private SecurityLevel securityLevel() {
    return Addresses.isPipe(address) ? SecurityLevel.PRIVACY_AND_INTEGRITY : SecurityLevel.NONE;
  }

  // ---------------------------------------------------------------------------------------------- lifecycle

  @Override
  public Runnable start(Listener listener) {
    this.listener = listener;
    if (config.keepAliveTimeNanos != GrpcUtil.KEEPALIVE_TIME_NANOS_DISABLED) {
      long time = keepAliveBackoff != null ? keepAliveBackoff.get() : config.keepAliveTimeNanos;
      keepAlive = new KeepAliveManager(new KeepAliveManager.ClientKeepAlivePinger(this), scheduler,
          time, config.keepAliveTimeoutNanos, config.keepAliveWithoutCalls);
      keepAlive.onTransportStarted();
    }
    config.dialer.apply(address, config.channelOptions).whenComplete((ch, err) -> {
      if (err != null) {
        Throwable cause = err.getCause() != null && err instanceof java.util.concurrent.CompletionException
            ? err.getCause() : err;
        connectFailed(Status.UNAVAILABLE.withDescription("cannot connect to " + address).withCause(cause));
      } else {
        ch.executor().execute(() -> connected(ch));
      }
    });
    return null;
  }

  private void connectFailed(Status status) {
    List<Runnable> pending;
    synchronized (lock) {
      pending = preConnect;
      preConnect = null;
    }
    closed = true;
    closeCause = status.getCause();
    if (pending != null) {
      pending.forEach(Runnable::run); // streams started meanwhile fail at once
    }
    terminate(status);
  }

  private void connected(Channel ch) {
    loop = ch.executor();
    Status shutdown;
    synchronized (lock) {
      shutdown = shutdownStatus;
    }
    if (shutdown != null) {
      ch.close();
      if (!ch.isOpen()) {
        connectFailed(shutdown);
        return;
      }
    }
    // A channel the peer has closed already (a TLS 1.3 server refusing the client's certificate right after the
    // handshake) is opened all the same: its close then arrives through connectionClosed with the channel's cause.
    ch.write(Unpooled.wrappedBuffer(Wire.PREFACE));
    inbound = new InboundFlowController(config.flowControlWindow, config.flowControlWindow, this::sendWindow);
    outbound = new OutboundFlowController(alloc, this::send, Settings.defaults());
    sendBudget = new SendBudget(config.maxQueuedSendBytes, config.sendBudgetHoldNanos, config.ticker,
        outbound::queuedDataBytes, delay -> loop.schedule(() -> commands(() -> {
          if (!closed) {
            sendBudget.wakeUp(); // behind the commands already queued: see SendBudget.wakeUp
          }
        }), delay, TimeUnit.NANOSECONDS));
    conn = Connection.open(ch, new FramePacketCodec(config.maxPacketLength()),
        PacketQueues.bounded(config.outboundQueueCapacity), this);
    send(FrameWriter.settings(alloc, config.localSettings()));
    List<Runnable> pending;
    CommandQueue q = new CommandQueue(loop, this::writePending, () -> bytesSent);
    synchronized (lock) {
      connection = conn;
      commandQueue = q;
      pending = preConnect;
      preConnect = null;
    }
    Attributes.Builder attrs = attributes.toBuilder()
        .set(Grpc.TRANSPORT_ATTR_LOCAL_ADDR, Addresses.normalize(ch.localAddress()));
    Optional<SSLSession> session = ch.sslSession();
    session.ifPresent(ssl -> attrs
        .set(Grpc.TRANSPORT_ATTR_SSL_SESSION, ssl)
        .set(GrpcAttributes.ATTR_SECURITY_LEVEL, SecurityLevel.PRIVACY_AND_INTEGRITY));
    Optional<ClientTls> tls = config.channelOptions.clientTls();
    AuthorityVerifier verifier = session.isPresent() && tls.isPresent()
        ? CallAuthorityCheck.forTls(tls.get(), session.get()) : CallAuthorityCheck.PLAINTEXT;
    attrs.set(GrpcAttributes.ATTR_AUTHORITY_VERIFIER, verifier);
    callAuthority = new CallAuthorityCheck(authority, verifier, config.perRpcAuthorityCheck);
    attributes = attrs.build(); // before transportReady: call credentials read the level
    for (Runnable r : pending) {
      q.enqueue(r);
    }
  }

  @Override
  public void shutdown(Status reason) {
    synchronized (lock) {
      if (shutdownStatus != null) {
        return;
      }
      shutdownStatus = reason;
    }
    listenerCtx.execute(() -> listener.transportShutdown(reason));
    commands(() -> {
      goingAway = true;
      maybeCloseIdle();
    });
  }

  @Override
  public void shutdownNow(Status reason) {
    shutdown(reason);
    synchronized (lock) {
      if (shutdownNowStatus != null) {
        return;
      }
      shutdownNowStatus = reason;
    }
    commands(() -> {
      goingAway = true;
      failAll(reason, reason);
      if (conn != null && !closeStarted) {
        closeStarted = true;
        send(FrameWriter.goAway(alloc, 0, Wire.NO_ERROR, "client shutdown"));
        conn.close();
      }
    });
  }

  /** Closes active streams with {@code active}, never-sent ones with {@code unsent} (MISCARRIED). */
  private void failAll(Status active, Status unsent) {
    for (ListenRainClientStream s : new ArrayList<>(streams.values())) {
      finishStream(s);
      s.transportState().transportReportStatus(active, RpcProgress.PROCESSED, true, new Metadata());
    }
    for (ListenRainClientStream s : new ArrayList<>(queued)) {
      finishStream(s);
      s.transportState().transportReportStatus(unsent, RpcProgress.MISCARRIED, true, new Metadata());
    }
  }

  private void maybeCloseIdle() {
    if (goingAway && !closeStarted && streams.isEmpty() && queued.isEmpty() && conn != null && !closed) {
      closeStarted = true;
      if (!goAwayReceived) {
        send(FrameWriter.goAway(alloc, 0, Wire.NO_ERROR, "client shutdown"));
      }
      conn.close();
    }
  }

  private void terminate(Status status) {
    boolean reportShutdown = false;
    synchronized (lock) {
      if (terminated) {
        return;
      }
      terminated = true;
      if (shutdownStatus == null) {
        shutdownStatus = status;
        reportShutdown = true;
      }
    }
    if (keepAlive != null) {
      keepAlive.onTransportTermination();
    }
    boolean report = reportShutdown;
    listenerCtx.execute(() -> {
      if (report) {
        listener.transportShutdown(status);
      }
      listener.transportTerminated();
    });
  }

  private Status terminationStatus() {
    synchronized (lock) {
      if (shutdownStatus != null) {
        return shutdownStatus;
      }
    }
    return Status.UNAVAILABLE.withDescription("connection closed").withCause(closeCause);
  }

  // ---------------------------------------------------------------------------------------------- streams

  @Override
  public ClientStream newStream(MethodDescriptor<?, ?> method, Metadata headers, CallOptions callOptions,
      ClientStreamTracer[] tracers) {
    StatsTraceContext ctx = StatsTraceContext.newClientContext(tracers, getAttributes(), headers);
    Status s;
    synchronized (lock) {
      s = shutdownStatus;
    }
    if (s != null) {
      // Never sent: MISCARRIED, so grpc retries it transparently on another transport (as grpc-netty and okhttp do
      // for a stream started after GOAWAY). A balancer that has not yet seen this transport go away still picks it.
      return new FailingClientStream(s, RpcProgress.MISCARRIED, tracers);
    }
    headers.discardAll(GrpcUtil.USER_AGENT_KEY);
    headers.put(GrpcUtil.USER_AGENT_KEY, userAgent);
    return new ListenRainClientStream(this, method, headers, callOptions, ctx, tracer,
        config.maxInboundMessageSize);
  }

  /** Runs {@code command} on the I/O thread, in order with the other commands. */
  void commands(Runnable command) {
    commands(command, true);
  }

  /**
   * Runs {@code command} on the I/O thread, in order with the other commands; without {@code flush} it waits for the
   * next flushing command (see {@link CommandQueue#enqueueWithoutFlush}).
   */
  void commands(Runnable command, boolean flush) {
    CommandQueue q;
    synchronized (lock) {
      q = commandQueue;
      if (q == null && preConnect != null) {
        preConnect.add(command);
        return;
      }
    }
    if (q == null) {
      command.run(); // the connection failed before it existed: the command sees a closed transport
    } else if (flush) {
      q.enqueue(command);
    } else {
      q.enqueueWithoutFlush(command);
    }
  }

  void runOnLoop(Runnable r) {
    EventExecutor l = loop;
    if (l == null || l.inEventLoop()) {
      r.run();
    } else {
      l.execute(r);
    }
  }

  /** After each batch of commands and each batch of reads: write what the windows allow. */
  private void writePending() {
    if (outbound != null && !closed) {
      outbound.writePending();
      sendBudget.pump();
    }
  }

  void startStream(ListenRainClientStream stream, Metadata headers) {
    if (stream.finished || stream.started) {
      return;
    }
    stream.started = true;
    if (closed || goAwayReceived || closeStarted) {
      stream.finished = true;
      stream.transportState().transportReportStatus(terminationStatus(), RpcProgress.MISCARRIED, true,
          new Metadata());
      return;
    }
    stream.pendingHeaders = headers;
    if (stream.countedForInUse()) {
      inUse.updateObjectInUse(stream, true);
    }
    if (!ready || streams.size() >= peer.maxConcurrentStreams) {
      queued.add(stream);
      return;
    }
    activate(stream);
  }

  private void activate(ListenRainClientStream stream) {
    if (nextStreamId < 0) {
      Status s = Status.UNAVAILABLE.withDescription("stream ids exhausted on this connection");
      finishStream(stream);
      stream.transportState().transportReportStatus(s, RpcProgress.MISCARRIED, true, new Metadata());
      shutdown(s);
      return;
    }
    Status authorityCheck = callAuthority.check(stream.authorityValue());
    if (!authorityCheck.isOk()) {
      finishStream(stream);
      stream.transportState().transportReportStatus(authorityCheck, RpcProgress.PROCESSED, true, new Metadata());
      return;
    }
    int id = nextStreamId;
    nextStreamId += 2;
    byte[][] md = InternalMetadata.serialize(stream.pendingHeaders);
    stream.pendingHeaders = null;
    ByteBuf frame = FrameWriter.requestHeaders(alloc, id, stream.method().getFullMethodName(),
        stream.authorityValue(), md);
    if (frame.readableBytes() > Wire.MAX_CONTROL_FRAME) {
      frame.release();
      finishStream(stream);
      stream.transportState().transportReportStatus(
          Status.INTERNAL.withDescription("request metadata larger than the 1 MiB frame limit"),
          RpcProgress.PROCESSED, true, new Metadata());
      return;
    }
    stream.id = id;
    stream.in = inbound.newStream();
    streams.put(id, stream);
    send(frame);
    stream.transportState().getStatsTraceContext().clientOutboundHeaders();
    config.metrics.streamStarted(false);
    if (streams.size() == 1 && keepAlive != null) {
      keepAlive.onTransportActive();
    }
    outbound.activate(stream.out, id);
    sendBudget.requestReady(stream.readiness);
  }

  private void startQueued() {
    while (ready && !queued.isEmpty() && streams.size() < peer.maxConcurrentStreams && !closed && !closeStarted) {
      activate(queued.poll());
    }
  }

  /** @param messageEnd the bytes end a message (or the stream), for the send budget */
  void writeData(ListenRainClientStream stream, ByteBuf buf, boolean endOfStream, boolean messageEnd) {
    if (stream.finished || outbound == null || (!endOfStream && !buf.isReadable())) {
      buf.release(); // an empty DATA frame without END_STREAM says nothing, and servers police them
      return;
    }
    sendBudget.wrote(stream.readiness, buf.readableBytes(), messageEnd || endOfStream);
    outbound.enqueueData(stream.out, buf, endOfStream);
  }

  void cancelOnLoop(ListenRainClientStream stream, Status status) {
    if (stream.finished) {
      return;
    }
    if (stream.id != 0 && !closed) {
      send(FrameWriter.rst(alloc, stream.id, Wire.CANCEL));
    }
    finishStream(stream);
    stream.transportState().transportReportStatus(status, RpcProgress.PROCESSED, true, new Metadata());
  }

  void bytesRead(ListenRainClientStream stream, int n) {
    runOnLoop(() -> {
      if (stream.in != null && !closed) {
        inbound.bytesRead(stream.id, stream.in, n);
      }
    });
  }

  /** Removes a stream from every table. Idempotent; the caller then reports the stream's status. */
  private void finishStream(ListenRainClientStream stream) {
    if (stream.finished) {
      return;
    }
    stream.finished = true;
    boolean wasActive = stream.id != 0 && streams.remove(stream.id) != null;
    queued.remove(stream);
    if (stream.in != null) {
      inbound.streamDone(stream.in);
    }
    if (outbound != null) {
      outbound.cancel(stream.out);
      sendBudget.closed(stream.readiness);
    }
    if (stream.countedForInUse()) {
      inUse.updateObjectInUse(stream, false);
    }
    if (wasActive && streams.isEmpty() && keepAlive != null) {
      keepAlive.onTransportIdle();
    }
    if (!closed) {
      startQueued();
      maybeCloseIdle();
    }
  }

  // ---------------------------------------------------------------------------------------------- ping, stats

  @Override
  public void ping(PingCallback callback, Executor executor) {
    Status failure = null;
    synchronized (lock) {
      if (terminated) {
        failure = shutdownStatus;
      }
    }
    if (failure != null) {
      Http2Ping.notifyFailed(callback, executor, failure);
      return;
    }
    commands(() -> {
      if (closed || conn == null) {
        Http2Ping.notifyFailed(callback, executor, terminationStatus());
        return;
      }
      if (ping == null) {
        long payload = ThreadLocalRandom.current().nextLong();
        ping = new Http2Ping(payload, Stopwatch.createStarted());
        send(FrameWriter.ping(alloc, false, payload));
        tracer.reportKeepAliveSent();
      }
      ping.addCallback(callback, executor);
    });
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
    Connection c;
    synchronized (lock) {
      c = connection;
    }
    SocketAddress local = c == null ? null : Addresses.normalize(c.localAddress());
    return new SocketStats(tracer.getStats(), local, address, SocketOptionsReader.read(c),
        SocketOptionsReader.security(attributes.get(Grpc.TRANSPORT_ATTR_SSL_SESSION)));
  }

  @Override
  public InternalLogId getLogId() {
    return logId;
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public String toString() {
    return "ListenRainClientTransport[" + logId + " -> " + address + "]";
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
      // released by send; the close is handled in connectionClosed
    } catch (QueueFullException e) {
      c.abort(e);
    }
  }

  private void sendWindow(int streamId, int increment) {
    send(FrameWriter.window(alloc, streamId, increment));
  }

  @Override
  public void packetReceived(Connection connection, ByteBuf packet) {
    try {
      if (keepAlive != null) {
        keepAlive.onDataReceived();
      }
      if (peer == null && packet.isReadable() && packet.getUnsignedByte(packet.readerIndex()) != Wire.SETTINGS) {
        throw new GrpcProtocolException("the first frame must be SETTINGS");
      }
      reader.read(packet, this);
    } catch (GrpcProtocolException e) {
      protocolError(e);
    } finally {
      packet.release();
    }
  }

  private void protocolError(GrpcProtocolException e) {
    if (closeCause == null) {
      closeCause = e;
    }
    if (!closeStarted) {
      closeStarted = true;
      send(FrameWriter.goAway(alloc, 0, Wire.PROTOCOL_ERROR, e.getMessage()));
      conn.close();
    }
  }

  @Override
  public void readComplete(Connection connection) {
    writePending();
  }

  /**
   * Over TLS 1.3 a server checks the client certificate after the client's handshake is done, so a refusal shows as
   * a close before the server's SETTINGS, with the alert as cause when the channel could read it (TCP) or none.
   */
  private String closedDescription(Connection connection) {
    if (peer == null && connection.channel().sslSession().isPresent()) {
      return "connection closed before the server's SETTINGS: over TLS the server may have refused the client"
          + " certificate (or its absence)";
    }
    return "connection closed";
  }

  @Override
  public void connectionClosed(Connection connection, Throwable cause) {
    if (closeCause == null) {
      closeCause = cause;
    }
    Status nowStatus;
    synchronized (lock) {
      nowStatus = shutdownNowStatus;
    }
    Status s = nowStatus != null ? nowStatus
        : Status.UNAVAILABLE.withDescription(closedDescription(connection)).withCause(closeCause);
    channelLogger.log(ChannelLogLevel.DEBUG, "ListenRain transport closed: {0}", s);
    if (ready) {
      config.metrics.connectionClosed(false);
    }
    goingAway = true;
    failAll(s, s);
    closed = true;
    if (ping != null) {
      ping.failed(terminationStatus());
      ping = null;
    }
    terminate(s);
  }

  // ---------------------------------------------------------------------------------------------- frames

  @Override
  public void settings(Settings settings) {
    send(FrameWriter.settingsAck(alloc));
    if (peer != null) {
      return; // settings are fixed once exchanged
    }
    peer = settings;
    outbound.applyPeerSettings(settings);
    ready = true;
    config.metrics.connectionOpened(false);
    Attributes attrs = attributes;
    boolean shutdown;
    synchronized (lock) {
      shutdown = shutdownStatus != null;
    }
    channelLogger.log(ChannelLogLevel.INFO, "ListenRain transport connected: {0} -> {1}",
        conn.localAddress(), address);
    if (!shutdown) {
      listenerCtx.execute(() -> {
        attributes = listener.filterTransport(attrs);
        listener.transportReady();
      });
    }
    startQueued();
  }

  @Override
  public void settingsAck() {}

  @Override
  public void requestHeaders(int streamId, String path, String authority, byte[][] metadata) {
    throw new GrpcProtocolException("the server sent request HEADERS");
  }

  @Override
  public void responseHeaders(int streamId, byte[][] metadata) {
    ListenRainClientStream s = streams.get(streamId);
    if (s == null) {
      return;
    }
    s.transportState().headers(InternalMetadata.newMetadata(metadata.length / 2, metadata));
  }

  /**
   * Response metadata over {@code maxInboundMetadataSize}, found while decoding (which stopped there, so a hostile
   * server cannot make this end decode a huge block): the call fails RESOURCE_EXHAUSTED, and a stream whose HEADERS
   * were too large is reset (its trailers have not come yet).
   */
  @Override
  public void responseMetadataTooLarge(int streamId, boolean trailers, MetadataCodec.MetadataTooLargeException e) {
    ListenRainClientStream s = streams.get(streamId);
    if (s == null) {
      return;
    }
    if (!trailers) {
      send(FrameWriter.rst(alloc, streamId, Wire.CANCEL));
    }
    finishStream(s);
    s.transportState().transportReportStatus(Status.RESOURCE_EXHAUSTED.withDescription("Response "
        + (trailers ? "trailer" : "header") + " metadata size exceeded (at least " + e.atLeast + " > "
        + config.maxInboundMetadataSize + ")"), RpcProgress.PROCESSED, true, new Metadata());
  }

  @Override
  public void data(int streamId, ByteBuf payload, boolean endStream) {
    ListenRainClientStream s = streams.get(streamId);
    int n = payload.readableBytes();
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
    s.transportState().data(payload);
  }

  @Override
  public void trailers(int streamId, int code, String message, byte[][] metadata) {
    ListenRainClientStream s = streams.get(streamId);
    if (s == null) {
      return;
    }
    finishStream(s);
    Status status = Status.fromCodeValue(code);
    if (!message.isEmpty()) {
      status = status.withDescription(message);
    }
    s.transportState().trailers(InternalMetadata.newMetadata(metadata.length / 2, metadata), status);
  }

  @Override
  public void rst(int streamId, int errorCode) {
    ListenRainClientStream s = streams.get(streamId);
    if (s == null) {
      return;
    }
    finishStream(s);
    Status status;
    RpcProgress progress = RpcProgress.PROCESSED;
    if (errorCode == Wire.REFUSED_STREAM) {
      status = Status.UNAVAILABLE.withDescription("stream refused by the server");
      progress = RpcProgress.REFUSED;
    } else if (errorCode == Wire.CANCEL && goAwayReceived) {
      // A server killed with shutdownNow (or at the end of its age grace) sends GOAWAY, then cancels what is left:
      // the server went away under the call, which is UNAVAILABLE (retryable), not a cancellation of this call.
      status = Status.UNAVAILABLE.withDescription("the server shut down with the call in progress");
    } else if (errorCode == Wire.CANCEL) {
      status = Status.CANCELLED.withDescription("stream cancelled by the server");
    } else {
      status = Status.INTERNAL.withDescription("stream reset by the server, error code " + errorCode);
    }
    s.transportState().transportReportStatus(status, progress, true, new Metadata());
  }

  @Override
  public void window(int streamId, int increment) {
    if (streamId == 0) {
      outbound.connectionWindowUpdate(increment);
    } else {
      ListenRainClientStream s = streams.get(streamId);
      if (s != null) {
        outbound.streamWindowUpdate(s.out, increment);
      }
    }
  }

  @Override
  public void ping(boolean ack, long payload) {
    if (!ack) {
      if (goAwayReceived && outbound != null) {
        // A server draining in two steps takes this answer to mean that every stream started before its GOAWAY
        // was read has been sent: HEADERS still waiting for their turn go out first (docs/PROTOCOL.md §6).
        outbound.writePending();
      }
      send(FrameWriter.ping(alloc, true, payload));
    } else if (ping != null && ping.payload() == payload) {
      Http2Ping p = ping;
      ping = null;
      p.complete();
    }
  }

  @Override
  public void goAway(int lastStreamId, int errorCode, String message) {
    goAwayReceived = true;
    config.metrics.goAwayReceived(errorCode);
    channelLogger.log(errorCode == Wire.NO_ERROR ? ChannelLogLevel.INFO : ChannelLogLevel.WARNING,
        "Received GOAWAY: last stream {0}, code {1}, {2}", lastStreamId, errorCode, message);
    if (errorCode == Wire.ENHANCE_YOUR_CALM && "too_many_pings".equals(message) && keepAliveBackoff != null) {
      keepAliveBackoff.backoff(); // the next connection pings half as often
    }
    Status s = Status.UNAVAILABLE.withDescription("the server sent GOAWAY (code " + errorCode
        + (message.isEmpty() ? "" : ", " + message) + ")");
    boolean report = false;
    synchronized (lock) {
      if (shutdownStatus == null) {
        shutdownStatus = s;
        report = true;
      }
    }
    if (report) {
      listenerCtx.execute(() -> listener.transportShutdown(s));
    }
    for (ListenRainClientStream st : new ArrayList<>(streams.values())) {
      if (st.id > lastStreamId) {
        finishStream(st);
        st.transportState().transportReportStatus(s, RpcProgress.REFUSED, true, new Metadata());
      }
    }
    for (ListenRainClientStream st : new ArrayList<>(queued)) {
      finishStream(st);
      st.transportState().transportReportStatus(s, RpcProgress.MISCARRIED, true, new Metadata());
    }
    goingAway = true;
    maybeCloseIdle();
  }
}
