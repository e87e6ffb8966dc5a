package io.listenrain.client;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelGenerator;
import io.listenrain.channel.ConnectException;
import io.listenrain.codec.CodecException;
import io.listenrain.codec.MessageCodec;
import io.listenrain.codec.MsgId;
import io.listenrain.codec.MsgIdException;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.config.TransportKey;
import io.listenrain.errors.CallTimeoutException;
import io.listenrain.errors.ConnectionClosedException;
import io.listenrain.errors.QueueFullException;
import io.listenrain.errors.ReadTimeoutException;
import io.listenrain.errors.TransportClosedException;
import io.listenrain.errors.TransportException;
import io.listenrain.internal.PeerEventLog;
import io.listenrain.state.StateMachine;
import io.listenrain.state.SyncStateMachine;
import io.listenrain.timer.Ticker;
import io.listenrain.transport.Connection;
import io.listenrain.transport.PacketHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The native client {@link Transport}.
 *
 * <h2>Who owns what</h2>
 * <ul>
 *   <li>The state machine pool (thread-safe) holds the calls in flight. Removing a call's entry is the right to end
 *       it, so the response (I/O thread), the timer (timer thread), a connection failure (I/O thread) and a cancel
 *       (any thread) race safely: exactly one wins.</li>
 *   <li>The deadlines belong to the timer thread alone ({@link CallDeadlines}): senders post new calls and ending
 *       sides post removals; each tick drains both, then expires due calls.</li>
 *   <li>Connection state (state, current connection, calls waiting for a connection, backoff) is guarded by
 *       {@link #lock}. The hot path reads {@link #current} without the lock. No callback runs under the lock.</li>
 * </ul>
 */
final class ClientTransport<M> implements Transport<M> {
  private static final System.Logger LOG = System.getLogger(ClientTransport.class.getName());
  /** Events the server causes (bad responses): one line per kind per second, shared by every client transport. */
  private static final PeerEventLog PEER_LOG =
      new PeerEventLog(java.util.logging.Logger.getLogger(ClientTransport.class.getName()));

  private enum State { IDLE, CONNECTING, READY, BACKOFF, SHUTDOWN, TERMINATED }

  private final TransportKey key;
  private final ProtocolSpec<M> spec;
  private final MessageCodec<M> codec;
  private final CallTable<M> pool;
  private final Executor executor;
  private final Ticker ticker;
  private final ChannelGenerator generator;
  private final long defaultTimeoutNanos;
  private final Handler handler = new Handler();

  private final CallDeadlines<M> deadlines;
  private final ScheduledFuture<?> tickTask;
  private final long readTimeoutNanos; // 0: off
  // Timer thread only: the read-timeout watch of the current connection.
  private Connection watched;
  private long watchedBytesIn;
  private long watchedSinceNanos;

  private final Object lock = new Object();
  // Guarded by lock (state is also read without it, on the send path).
  private volatile State state = State.IDLE;
  @GuardedBy("lock")
  private final List<Call<M>> waitingForConnection = new ArrayList<>();
  @GuardedBy("lock")
  private final List<CompletableFuture<Connection>> connectWaiters = new ArrayList<>();
  @GuardedBy("lock")
  private int connectFailures;
  /**
   * Consecutive connections that died right after connecting: dropped by the peer before it sent a byte, or closed
   * for a protocol error (a server answering garbage).
   */
  @GuardedBy("lock")
  private int diedOnArrival;
  @GuardedBy("lock")
  private long connectedAtNanos;
  @GuardedBy("lock")
  private long retryAtNanos;
  @GuardedBy("lock")
  private Throwable lastConnectError;
  @GuardedBy("lock")
  private boolean shutdownNow;
  @GuardedBy("lock")
  private long closedBytesIn;
  @GuardedBy("lock")
  private long closedBytesOut;
  @GuardedBy("lock")
  private long closedPacketsIn;
  @GuardedBy("lock")
  private long closedPacketsOut;

  private volatile Connection current;
  private final CompletableFuture<Void> termination = new CompletableFuture<>();

  private final LongAdder started = new LongAdder();
  private final LongAdder succeeded = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder timedOut = new LongAdder();
  private final LongAdder oneWay = new LongAdder();
  private final LongAdder unmatched = new LongAdder();
  private final LongAdder connects = new LongAdder();
  private final LongAdder badMsgIds = new LongAdder();
  /** The last connection a bad msgID was logged for: one line per connection at most. */
  private volatile Connection badMsgIdLogged;

  ClientTransport(TransportKey key, ProtocolSpec<M> spec) {
    this.key = key;
    this.spec = spec;
    this.codec = spec.messageCodec();
    this.pool = CallTable.of(spec);
    this.executor = spec.executor();
    this.ticker = spec.ticker();
    this.generator = spec.newChannelGenerator(key);
    this.defaultTimeoutNanos = timeoutNanos(spec.defaultTimeout());
    this.deadlines = new CallDeadlines<>(ticker);
    this.readTimeoutNanos = spec.readTimeout().toNanos();
    long tick = spec.tickInterval().toNanos();
    this.tickTask = TimerThread.get().scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.NANOSECONDS);
  }

  @Override
  public TransportKey key() {
    return key;
  }

  // ---------------------------------------------------------------------------------------------- sending

  @Override
  public void send(M request, StateMachine<M> machine) {
    start(request, machine, defaultTimeoutNanos);
  }

  @Override
  public void send(M request, StateMachine<M> machine, Duration timeout) {
    start(request, machine, timeoutNanos(timeout));
  }

  @Override
  public CompletableFuture<M> send(M request) {
    return send(request, spec.defaultTimeout());
  }

  @Override
  public CompletableFuture<M> send(M request, Duration timeout) {
    FutureStateMachine<M> f = new FutureStateMachine<>(this);
    start(request, f, timeoutNanos(timeout));
    return f;
  }

  @Override
  public M syncSend(M request, Duration timeout) throws InterruptedException {
    SyncStateMachine<M> sync = new SyncStateMachine<>();
    Call<M> call = start(request, sync, timeoutNanos(timeout));
    try {
      // The call's own timer ends it; the extra second only guards against a stalled timer thread.
      return sync.await(timeout.toNanos() + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException) {
        throw (RuntimeException) c;
      }
      throw new TransportException("call failed: " + c, c);
    } catch (TimeoutException e) {
      throw new CallTimeoutException(call.msgId);
    }
  }

  private static long timeoutNanos(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    try {
      return timeout.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private Call<M> start(M request, StateMachine<M> machine, long timeoutNanos) {
    ByteBuf payload;
    Call<M> call;
    try {
      if (isClosing()) {
        throw new TransportClosedException("transport " + key + " is closed");
      }
      call = pool.newCall(this, request, machine, ticker.nanoTime(), timeoutNanos);
      if (machine instanceof FutureStateMachine) {
        ((FutureStateMachine<M>) machine).call = call;
      }
      pool.register(call);
      try {
        payload = codec.encode(request, alloc());
      } catch (RuntimeException e) {
        pool.remove(call);
        throw e;
      }
    } finally {
      ReferenceCountUtil.release(request);
    }
    if (timeoutNanos != Long.MAX_VALUE) {
      deadlines.add(call);
    }
    try {
      dispatch(call, payload);
    } catch (RuntimeException e) {
      // Rejected synchronously (queue full, transport closed): the call never started.
      if (pool.remove(call)) {
        markEnded(call);
      }
      throw e;
    }
    started.increment();
    return call;
  }

  private ByteBufAllocator alloc() {
    Connection c = current;
    return c != null ? c.alloc() : spec.channelOptions().allocator();
  }

  private boolean isClosing() {
    State s = state; // volatile read: no lock on the send path
    return s == State.SHUTDOWN || s == State.TERMINATED;
  }

  /** Hands the payload to the current connection, or parks it until there is one. Takes ownership of payload. */
  private void dispatch(Call<M> call, ByteBuf payload) {
    Connection c = current;
    if (c != null) {
      call.connection = c;
      try {
        c.send(payload); // takes ownership whatever happens
      } catch (ConnectionClosedException e) {
        // Raced with the connection's death: the call fails with it (the caller may retry; the next call redials).
        forget(c);
        endCall(call, Ending.FAILED, null, new ConnectionClosedException("connection to " + key + " closed", e));
      }
      return;
    }
    boolean connect = false;
    boolean retry = false;
    Throwable failFast = null;
    synchronized (lock) {
      switch (state) {
        case SHUTDOWN:
        case TERMINATED:
          payload.release();
          throw new TransportClosedException("transport " + key + " is closed");
        case READY:
          retry = true; // raced with a new connection: use it below
          break;
        case IDLE:
        case CONNECTING:
          if (waitingForConnection.size() >= spec.maxWaitingForConnection()) {
            payload.release();
            throw new QueueFullException(waitingForConnection.size());
          }
          connect = state == State.IDLE;
          call.pendingPayload = payload;
          waitingForConnection.add(call);
          break;
        case BACKOFF:
          if (ticker.nanoTime() - retryAtNanos >= 0) {
            connect = true;
            call.pendingPayload = payload;
            waitingForConnection.add(call);
          } else {
            payload.release();
            failFast = new ConnectionClosedException("cannot connect to " + key + "; next attempt in "
                + TimeUnit.NANOSECONDS.toMillis(retryAtNanos - ticker.nanoTime()) + " ms", lastConnectError);
          }
          break;
        default:
          throw new AssertionError(state);
      }
      if (connect) {
        state = State.CONNECTING;
      }
    }
    if (retry) {
      dispatch(call, payload);
      return;
    }
    if (failFast != null) {
      endCall(call, Ending.FAILED, null, failFast);
    }
    if (connect) {
      connect();
    }
  }

  @Override
  public void sendOneWay(M message) {
    ByteBuf payload;
    try {
      if (isClosing()) {
        throw new TransportClosedException("transport " + key + " is closed");
      }
      payload = codec.encode(message, alloc());
    } finally {
      ReferenceCountUtil.release(message);
    }
    Connection c = current;
    if (c == null) {
      try {
        c = awaitConnection();
      } catch (RuntimeException e) {
        payload.release();
        throw e;
      }
    }
    c.send(payload); // takes ownership, also when it throws
    oneWay.increment();
  }

  /** One-way messages have no call to park, so they wait (bounded by the default timeout) for a connection. */
  private Connection awaitConnection() {
    CompletableFuture<Connection> ready = new CompletableFuture<>();
    boolean connect = false;
    synchronized (lock) {
      if (state == State.SHUTDOWN || state == State.TERMINATED) {
        throw new TransportClosedException("transport " + key + " is closed");
      }
      if (state == State.READY && current != null) {
        return current; // connected since the caller looked
      }
      if (state == State.IDLE || (state == State.BACKOFF && ticker.nanoTime() - retryAtNanos >= 0)) {
        state = State.CONNECTING;
        connect = true;
      } else if (state == State.BACKOFF) {
        throw new ConnectionClosedException("cannot connect to " + key, lastConnectError);
      }
      connectWaiters.add(ready);
    }
    if (connect) {
      connect();
    }
    try {
      return ready.get(defaultTimeoutNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectionClosedException("interrupted while connecting to " + key);
    } catch (ExecutionException e) {
      throw new ConnectionClosedException("cannot connect to " + key, e.getCause());
    } catch (TimeoutException e) {
      throw new ConnectionClosedException("timed out connecting to " + key);
    }
  }

  // ---------------------------------------------------------------------------------------------- connecting

  private void connect() {
    CompletableFuture<Channel> f;
    try {
      f = generator.connect();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete(this::onConnect);
  }

  private void onConnect(Channel channel, Throwable error) {
    List<Call<M>> waiting;
    List<CompletableFuture<Connection>> waiters;
    Connection conn = null;
    Throwable failure = null;
    boolean terminate = false;
    if (error == null) {
      byte[] preface = spec.preface();
      if (preface.length > 0) {
        channel.executor().execute(() -> {
          channel.write(Unpooled.wrappedBuffer(preface));
          channel.flush();
        });
      }
      conn = Connection.open(channel, spec.packetCodec(), spec.newPacketQueue(),
          handler);
    }
    synchronized (lock) {
      waiting = new ArrayList<>(waitingForConnection);
      waitingForConnection.clear();
      waiters = new ArrayList<>(connectWaiters);
      connectWaiters.clear();
      if (error != null) {
        connectFailures++;
        lastConnectError = error;
        boolean retryable = !(error instanceof ConnectException) || ((ConnectException) error).isRetryable();
        if (state == State.SHUTDOWN || state == State.TERMINATED) {
          failure = new TransportClosedException("transport " + key + " is closed");
          terminate = true;
        } else if (!retryable || connectFailures >= spec.reconnectPolicy().maxAttempts()) {
          state = State.TERMINATED;
          terminate = true;
          failure = new ConnectionClosedException("giving up on " + key + " after " + connectFailures
              + " failed attempt(s)", error);
        } else {
          state = State.BACKOFF;
          retryAtNanos = ticker.nanoTime() + spec.reconnectPolicy().delayNanos(connectFailures);
          failure = new ConnectionClosedException("cannot connect to " + key, error);
        }
      } else if (state == State.SHUTDOWN || state == State.TERMINATED) {
        failure = new TransportClosedException("transport " + key + " is closed");
      } else {
        state = State.READY;
        connectFailures = 0;
        connectedAtNanos = ticker.nanoTime();
        current = conn;
        connects.increment();
        if (!conn.isOpen()) {
          // Closed before we got here (its close notice found current != conn): do not keep a dead connection.
          current = null;
          state = State.IDLE;
        }
      }
    }
    if (failure != null) {
      if (conn != null) {
        conn.abort(failure);
      }
      for (Call<M> call : waiting) {
        ByteBuf p = call.pendingPayload;
        call.pendingPayload = null;
        p.release();
        endCall(call, Ending.FAILED, null, failure);
      }
      for (CompletableFuture<Connection> w : waiters) {
        w.completeExceptionally(failure);
      }
      if (terminate) {
        terminate();
      }
      return;
    }
    LOG.log(Level.DEBUG, () -> "connected " + key + " via " + channel);
    for (CompletableFuture<Connection> w : waiters) {
      w.complete(conn);
    }
    for (Call<M> call : waiting) {
      ByteBuf p = call.pendingPayload;
      call.pendingPayload = null;
      if (call.ended) {
        p.release(); // timed out or cancelled while we dialed: do not send it
        continue;
      }
      call.connection = conn;
      try {
        conn.send(p);
      } catch (TransportException e) { // QueueFullException or ConnectionClosedException; p was released
        endCall(call, Ending.FAILED, null, e);
      }
    }
  }

  /**
   * Drops {@code dead} as the current connection if it still is: a connection can close before {@link #onConnect}
   * installs it, and then its close notice has already come and gone.
   */
  private void forget(Connection dead) {
    synchronized (lock) {
      if (current == dead && state == State.READY) { // when shutting down, the close notice terminates us
        current = null;
        state = State.IDLE;
      }
    }
  }

  private void onConnectionClosed(Connection conn, Throwable cause) {
    boolean terminate = false;
    synchronized (lock) {
      closedBytesIn += conn.bytesIn();
      closedBytesOut += conn.bytesOut();
      closedPacketsIn += conn.packetsIn();
      closedPacketsOut += conn.packetsOut();
      if (current == conn) {
        current = null;
        if (state == State.READY) {
          long now = ticker.nanoTime();
          long delay = spec.reconnectPolicy().delayNanos(diedOnArrival + 1);
          boolean protocolError = cause instanceof CodecException;
          if ((conn.bytesIn() == 0 || protocolError) && now - connectedAtNanos < delay) {
            // Dropped at once without a byte (a server that accepts and closes, a proxy whose upstream is down), or
            // closed for a protocol error as soon as the server answered (a server speaking another protocol, or
            // garbage): a failed connect in all but name. Back off, or redials would follow the call rate.
            diedOnArrival++;
            state = State.BACKOFF;
            retryAtNanos = now + delay;
            lastConnectError = cause != null ? cause
                : new ConnectionClosedException("connection to " + key + " dropped before any response");
          } else {
            diedOnArrival = 0;
            state = State.IDLE; // the next call dials again
          }
        } else if (state == State.SHUTDOWN) {
          state = State.TERMINATED;
          terminate = true;
        }
      }
    }
    ConnectionClosedException failure = shutdownNowRequested()
        ? new TransportClosedException("transport " + key + " was shut down")
        : new ConnectionClosedException("connection to " + key + " closed"
            + (cause == null ? "" : ": " + cause), cause);
    pool.forEach(call -> {
      if (call.connection == conn) {
        endCall(call, Ending.FAILED, null, failure);
      }
    });
    if (cause != null) {
      LOG.log(Level.DEBUG, () -> "connection to " + key + " closed: " + cause);
    }
    if (terminate) {
      terminate();
    }
  }

  private boolean shutdownNowRequested() {
    synchronized (lock) {
      return shutdownNow;
    }
  }

  // ---------------------------------------------------------------------------------------------- ending calls

  enum Ending { RESPONSE, TIMEOUT, FAILED }

  /** Ends {@code call} if this caller wins its pool entry (timeouts, failures, cancels). */
  private void endCall(Call<M> call, Ending ending, M response, Throwable cause) {
    if (pool.remove(call)) {
      ended(call, ending, response, cause);
    }
  }

  /** Ends a call whose pool entry this caller has removed: counts it and hands its ending to the executor. */
  private void ended(Call<M> call, Ending ending, M response, Throwable cause) {
    markEnded(call);
    switch (ending) {
      case RESPONSE:
        succeeded.increment();
        break;
      case TIMEOUT:
        timedOut.increment();
        break;
      default:
        failed.increment();
        break;
    }
    call.ending = ending;
    call.response = response;
    call.cause = cause;
    try {
      executor.execute(call); // runs deliver(call)
    } catch (RejectedExecutionException e) {
      LOG.log(Level.WARNING, "callback executor rejected the ending of call " + call.msgId + " on " + key, e);
      call.response = null;
      ReferenceCountUtil.release(response);
    }
    if (state == State.SHUTDOWN) {
      maybeFinishGracefulClose();
    }
  }

  /** Runs on the callback executor: hands the ending recorded in {@code call} to its state machine. */
  void deliver(Call<M> call) {
    M response = call.response;
    call.response = null;
    Throwable cause = call.cause;
    try {
      switch (call.ending) {
        case RESPONSE:
          call.machine.process(call.msgId, response);
          break;
        case TIMEOUT:
          call.machine.timeout(call.msgId);
          break;
        default:
          call.machine.failed(call.msgId, cause);
          break;
      }
    } catch (Throwable t) {
      LOG.log(Level.WARNING, "state machine of call " + call.msgId + " on " + key + " threw", t);
    }
  }

  private void markEnded(Call<M> call) {
    call.ended = true;
    deadlines.ended(call);
  }

  void cancelCall(Call<M> call) {
    endCall(call, Ending.FAILED, null, new CancellationException("call " + call.msgId + " cancelled"));
  }

  @Override
  public boolean cancel(long msgId) {
    Call<M> call = pool.take(msgId);
    if (call == null) {
      return false;
    }
    ended(call, Ending.FAILED, null, new CancellationException("call " + msgId + " cancelled"));
    return true;
  }

  @Override
  public boolean cancel(MsgId msgId) {
    Call<M> call = pool.take(msgId);
    if (call == null) {
      return false;
    }
    ended(call, Ending.FAILED, null, new CancellationException("call " + msgId + " cancelled"));
    return true;
  }

  // ---------------------------------------------------------------------------------------------- timer

  private void tick() {
    try {
      long now = ticker.nanoTime();
      deadlines.tick(now, call -> endCall(call, Ending.TIMEOUT, null, null));
      checkReadTimeout(now);
      if (state == State.TERMINATED && pool.size() == 0 && !deadlines.hasPendingAdds()) {
        ScheduledFuture<?> t = tickTask; // null only if the first tick outran the constructor
        if (t != null) {
          t.cancel(false); // nothing left to time out
        }
      }
    } catch (Throwable t) {
      LOG.log(Level.ERROR, "timer tick of " + key + " failed", t);
    }
  }

  /**
   * Aborts the current connection if it has read nothing for the read timeout while calls were waiting. The window
   * starts when a tick first sees calls in flight on a connection, and restarts whenever bytes arrive.
   */
  private void checkReadTimeout(long now) {
    if (readTimeoutNanos == 0) {
      return;
    }
    Connection c = current;
    if (c == null || pool.size() == 0) {
      watched = null;
      return;
    }
    long in = c.bytesIn();
    if (c != watched || in != watchedBytesIn) {
      watched = c;
      watchedBytesIn = in;
      watchedSinceNanos = now;
    } else if (now - watchedSinceNanos >= readTimeoutNanos) {
      watched = null;
      c.abort(new ReadTimeoutException("read nothing from " + key + " for "
          + TimeUnit.NANOSECONDS.toMillis(now - watchedSinceNanos) + " ms with " + pool.size() + " call(s) waiting"));
    }
  }

  /** Entries in the timer heap as of the last tick. For tests. */
  int timerSize() {
    return deadlines.size();
  }

  /** Runs a tick on the timer thread and waits for it. For tests. */
  void tickNow() throws Exception {
    TimerThread.get().submit(this::tick).get(10, TimeUnit.SECONDS);
  }

  // ---------------------------------------------------------------------------------------------- receiving

  private final class Handler implements PacketHandler {
    @Override
    public void packetReceived(Connection connection, ByteBuf packet) {
      M message;
      try {
        message = codec.decode(packet);
      } catch (MsgIdException e) {
        badMsgId(connection, e); // the codec released the packet; the framing is intact: drop this packet only
        return;
      } catch (RuntimeException e) {
        PEER_LOG.log(java.util.logging.Level.WARNING, "bad response",
            "closing the connection to " + key + " (" + connection.remoteAddress() + ") after a bad response", e);
        connection.abort(e); // the codec released the packet; the stream cannot be trusted further
        return;
      }
      Call<M> call;
      try {
        call = pool.take(message);
      } catch (MsgIdException e) {
        ReferenceCountUtil.release(message);
        badMsgId(connection, e);
        return;
      } catch (RuntimeException e) {
        ReferenceCountUtil.release(message);
        connection.abort(e);
        return;
      }
      if (call == null) {
        unmatched.increment();
        ReferenceCountUtil.release(message);
        return;
      }
      ended(call, Ending.RESPONSE, message, null);
    }

    @Override
    public void connectionClosed(Connection connection, Throwable cause) {
      onConnectionClosed(connection, cause);
    }
  }

  /** A response whose msgID the codec cannot read: dropped and counted; logged once per connection. */
  private void badMsgId(Connection connection, MsgIdException e) {
    badMsgIds.increment();
    if (badMsgIdLogged != connection) {
      badMsgIdLogged = connection;
      PEER_LOG.log(java.util.logging.Level.WARNING, "unreadable msgId", "dropped a response from " + key + " ("
          + connection.remoteAddress() + ") whose msgId cannot be read; further ones on this connection are only"
          + " counted", e);
    }
  }

  // ---------------------------------------------------------------------------------------------- closing

  @Override
  public boolean isTerminated() {
    return state == State.TERMINATED;
  }

  @Override
  public CompletableFuture<Void> terminationFuture() {
    return termination;
  }

  @Override
  public CompletableFuture<Void> close() {
    List<Call<M>> waiting;
    List<CompletableFuture<Connection>> waiters;
    synchronized (lock) {
      if (state == State.SHUTDOWN || state == State.TERMINATED) {
        return termination;
      }
      state = current == null ? State.TERMINATED : State.SHUTDOWN;
      waiting = new ArrayList<>(waitingForConnection);
      waitingForConnection.clear();
      waiters = new ArrayList<>(connectWaiters);
      connectWaiters.clear();
    }
    generator.close();
    failWaiting(waiting, waiters, new TransportClosedException("transport " + key + " closed"));
    if (isTerminated()) {
      terminate();
    } else {
      maybeFinishGracefulClose();
    }
    return termination;
  }

  private void maybeFinishGracefulClose() {
    Connection c;
    synchronized (lock) {
      if (state != State.SHUTDOWN || shutdownNow || pool.size() != 0) {
        return;
      }
      c = current;
    }
    if (c != null) {
      c.close(); // flushes what is queued, then closes; onConnectionClosed terminates
    }
  }

  @Override
  public void shutdownNow() {
    List<Call<M>> waiting;
    List<CompletableFuture<Connection>> waiters;
    Connection c;
    synchronized (lock) {
      if (state == State.TERMINATED) {
        return;
      }
      shutdownNow = true;
      c = current;
      state = c == null ? State.TERMINATED : State.SHUTDOWN;
      waiting = new ArrayList<>(waitingForConnection);
      waitingForConnection.clear();
      waiters = new ArrayList<>(connectWaiters);
      connectWaiters.clear();
    }
    generator.close();
    TransportClosedException failure = new TransportClosedException("transport " + key + " was shut down");
    failWaiting(waiting, waiters, failure);
    pool.forEach(call -> endCall(call, Ending.FAILED, null, failure));
    if (c != null) {
      c.abort(failure);
    } else {
      terminate();
    }
  }

  private void failWaiting(List<Call<M>> waiting, List<CompletableFuture<Connection>> waiters, Throwable failure) {
    for (Call<M> call : waiting) {
      ByteBuf p = call.pendingPayload;
      call.pendingPayload = null;
      if (p != null) {
        p.release();
      }
      endCall(call, Ending.FAILED, null, failure);
    }
    for (CompletableFuture<Connection> w : waiters) {
      w.completeExceptionally(failure);
    }
  }

  private void terminate() {
    synchronized (lock) {
      state = State.TERMINATED;
    }
    generator.close();
    // Calls still registered are ended by their timers; the tick cancels itself once none is left.
    termination.complete(null);
  }

  // ---------------------------------------------------------------------------------------------- stats

  @Override
  public TransportStats stats() {
    Connection c = current;
    long bi;
    long bo;
    long pi;
    long po;
    synchronized (lock) {
      bi = closedBytesIn;
      bo = closedBytesOut;
      pi = closedPacketsIn;
      po = closedPacketsOut;
    }
    int depth = 0;
    if (c != null) {
      bi += c.bytesIn();
      bo += c.bytesOut();
      pi += c.packetsIn();
      po += c.packetsOut();
      depth = c.queueDepth();
    }
    long n = connects.sum();
    return new TransportStats(started.sum(), succeeded.sum(), failed.sum(), timedOut.sum(), oneWay.sum(),
        unmatched.sum(), bi, bo, pi, po, depth, pool.size(), n, Math.max(0, n - 1), badMsgIds.sum());
  }

  @Override
  public String toString() {
    return "ClientTransport[" + key + "]";
  }
}
