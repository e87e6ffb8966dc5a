package io.listenrain.config;

import io.listenrain.channel.ChannelGenerator;
import io.listenrain.channel.ChannelOptions;
import io.listenrain.channel.Dialer;
import io.listenrain.codec.LengthPrefixedPacketCodec;
import io.listenrain.codec.MessageCodec;
import io.listenrain.codec.PacketCodec;
import io.listenrain.errors.ConnectionClosedException;
import io.listenrain.errors.QueueFullException;
import io.listenrain.errors.ReadTimeoutException;
import io.listenrain.exec.CallbackExecutors;
import io.listenrain.state.StateMachinePool;
import io.listenrain.state.StateMachinePools;
import io.listenrain.timer.Ticker;
import io.listenrain.transport.PacketQueue;
import io.listenrain.transport.PacketQueues;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Everything a native protocol is made of: the original framework's RegisterProtocol arguments. Only the message
 * codec is required; every other part has a default. Immutable; build with {@link #builder}.
 *
 * <table>
 *   <caption>Parts and defaults</caption>
 *   <tr><th>part</th><th>default</th></tr>
 *   <tr><td>packet codec</td><td>{@link LengthPrefixedPacketCodec#defaultCodec()} (4-byte length, 16 MiB cap)</td></tr>
 *   <tr><td>default call timeout</td><td>5 s</td></tr>
 *   <tr><td>channel generator per key</td><td>dials the key's endpoints in order (failover), once per attempt</td></tr>
 *   <tr><td>packet queue per connection</td><td>{@code PacketQueues.bounded(PacketQueues.DEFAULT_CAPACITY)}</td></tr>
 *   <tr><td>callback executor</td><td>{@link CallbackExecutors#defaultExecutor()}</td></tr>
 *   <tr><td>state machine pool per transport</td><td>{@link StateMachinePools#striped()}</td></tr>
 *   <tr><td>ticker / timer tick</td><td>{@link Ticker#system()} / 10 ms</td></tr>
 *   <tr><td>reconnect backoff</td><td>{@link ReconnectPolicy#defaults()}</td></tr>
 *   <tr><td>preface</td><td>none (the server protocol is a port-sharing fallback)</td></tr>
 *   <tr><td>connections per key / max keys in a pool</td><td>1 / 1024</td></tr>
 *   <tr><td>calls parked while dialing</td><td>{@link PacketQueues#DEFAULT_CAPACITY}</td></tr>
 *   <tr><td>client read timeout</td><td>off (native protocols have no keepalive; see {@link Builder#readTimeout})</td></tr>
 *   <tr><td>server handshake timeout</td><td>20 s (see {@link Builder#serverHandshakeTimeout})</td></tr>
 *   <tr><td>server stall timeout</td><td>20 s (see {@link Builder#serverStallTimeout})</td></tr>
 *   <tr><td>server idle timeout</td><td>off (see {@link Builder#serverIdleTimeout})</td></tr>
 *   <tr><td>server requests in progress per connection</td><td>16,384 and 256 MiB of request packets (see
 *       {@link Builder#serverMaxRequestsInProgress})</td></tr>
 * </table>
 *
 * @param <M> the message type
 */
public final class ProtocolSpec<M> {
  /** Default of {@link Builder#serverHandshakeTimeout}: 20 s. */
  public static final Duration DEFAULT_SERVER_HANDSHAKE_TIMEOUT = Duration.ofSeconds(20);
  /** Default of {@link Builder#serverStallTimeout}: 20 s. */
  public static final Duration DEFAULT_SERVER_STALL_TIMEOUT = Duration.ofSeconds(20);
  /** Default of {@link Builder#serverMaxRequestsInProgress}'s count: 16,384. */
  public static final int DEFAULT_SERVER_MAX_REQUESTS_IN_PROGRESS = 16_384;
  /** Default of {@link Builder#serverMaxRequestsInProgress}'s bytes: 256 MiB. */
  public static final long DEFAULT_SERVER_MAX_REQUEST_BYTES_IN_PROGRESS = 256L << 20;

  private final String name;
  private final MessageCodec<M> messageCodec;
  private final PacketCodec packetCodec;
  private final Duration defaultTimeout;
  private final Function<TransportKey, ChannelGenerator> channelGenerators;
  private final Supplier<PacketQueue> packetQueues;
  private final Executor executor;
  private final StateMachinePool.Factory stateMachinePools;
  private final Ticker ticker;
  private final Duration tickInterval;
  private final ReconnectPolicy backoff;
  private final byte[] preface;
  private final ChannelOptions channelOptions;
  private final int connectionsPerKey;
  private final int maxTransports;
  private final int maxWaitingForConnection;
  private final Duration readTimeout;
  private final Duration serverHandshakeTimeout;
  private final Duration serverStallTimeout;
  private final Duration serverIdleTimeout;
  private final int serverMaxRequestsInProgress;
  private final long serverMaxRequestBytesInProgress;

  private ProtocolSpec(Builder<M> b) {
    this.name = b.name;
    this.messageCodec = b.messageCodec;
    this.packetCodec = b.packetCodec;
    this.defaultTimeout = b.defaultTimeout;
    this.channelOptions = b.channelOptions;
    this.channelGenerators = b.channelGenerators != null ? b.channelGenerators
        : key -> defaultDialer(key, b.channelOptions);
    this.packetQueues = b.packetQueues;
    this.executor = b.executor;
    this.stateMachinePools = b.stateMachinePools;
    this.ticker = b.ticker;
    this.tickInterval = b.tickInterval;
    this.backoff = b.backoff;
    this.preface = b.preface;
    this.connectionsPerKey = b.connectionsPerKey;
    this.maxTransports = b.maxTransports;
    this.maxWaitingForConnection = b.maxWaitingForConnection;
    this.readTimeout = b.readTimeout;
    this.serverHandshakeTimeout = b.serverHandshakeTimeout;
    this.serverStallTimeout = b.serverStallTimeout;
    this.serverIdleTimeout = b.serverIdleTimeout;
    this.serverMaxRequestsInProgress = b.serverMaxRequestsInProgress;
    this.serverMaxRequestBytesInProgress = b.serverMaxRequestBytesInProgress;
  }

  /**
   * The default generator: one pass over the key's endpoints per connect (active first, then standbys, endpoints
   * that failed recently last). Waiting between passes is the client transport's {@link ReconnectPolicy}.
   */
  private static ChannelGenerator defaultDialer(TransportKey key, ChannelOptions options) {
    List<SocketAddress> endpoints = key.endpoints();
    Dialer.Builder d = Dialer.builder().options(options).maxAttempts(1).endpoint(endpoints.get(0));
    for (int i = 1; i < endpoints.size(); i++) {
      d.standbyEndpoint(endpoints.get(i));
    }
    return d.build();
  }

  /** Starts a spec for protocol {@code name} with its message codec. */
  public static <M> Builder<M> builder(String name, MessageCodec<M> messageCodec) {
    return new Builder<>(name, messageCodec);
  }

  public String name() {
    return name;
  }

  public MessageCodec<M> messageCodec() {
    return messageCodec;
  }

  public PacketCodec packetCodec() {
    return packetCodec;
  }

  public Duration defaultTimeout() {
    return defaultTimeout;
  }

  /** Builds the channel generator of a new client transport. */
  public ChannelGenerator newChannelGenerator(TransportKey key) {
    return channelGenerators.apply(key);
  }

  public PacketQueue newPacketQueue() {
    return packetQueues.get();
  }

  public Executor executor() {
    return executor;
  }

  /** A new, empty msgID-keyed pool from the configured {@link Builder#stateMachinePools factory}. */
  public <E> StateMachinePool<E> newStateMachinePool() {
    return stateMachinePools.create();
  }

  public Ticker ticker() {
    return ticker;
  }

  public Duration tickInterval() {
    return tickInterval;
  }

  public ReconnectPolicy reconnectPolicy() {
    return backoff;
  }

  /** The bytes a client sends first on every connection and a server expects, or an empty array for none. */
  public byte[] preface() {
    return preface.clone();
  }

  /** The length of {@link #preface()}, without copying it; 0 when there is none. */
  public int prefaceLength() {
    return preface.length;
  }

  public ChannelOptions channelOptions() {
    return channelOptions;
  }

  public int connectionsPerKey() {
    return connectionsPerKey;
  }

  public int maxTransports() {
    return maxTransports;
  }

  public int maxWaitingForConnection() {
    return maxWaitingForConnection;
  }

  /** The client read timeout; {@link Duration#ZERO} when off. See {@link Builder#readTimeout}. */
  public Duration readTimeout() {
    return readTimeout;
  }

  /** The server's first-packet deadline; {@link Duration#ZERO} when off. See {@link Builder#serverHandshakeTimeout}. */
  public Duration serverHandshakeTimeout() {
    return serverHandshakeTimeout;
  }

  /** The server's partial-packet stall bound; {@link Duration#ZERO} when off. See {@link Builder#serverStallTimeout}. */
  public Duration serverStallTimeout() {
    return serverStallTimeout;
  }

  /** The server's idle timeout; {@link Duration#ZERO} when off. See {@link Builder#serverIdleTimeout}. */
  public Duration serverIdleTimeout() {
    return serverIdleTimeout;
  }

  /** How many requests a server connection holds before it stops reading. See {@link Builder#serverMaxRequestsInProgress}. */
  public int serverMaxRequestsInProgress() {
    return serverMaxRequestsInProgress;
  }

  /** How many request bytes a server connection holds before it stops reading. See {@link Builder#serverMaxRequestsInProgress}. */
  public long serverMaxRequestBytesInProgress() {
    return serverMaxRequestBytesInProgress;
  }

  @Override
  public String toString() {
    return "ProtocolSpec(" + name + ", " + messageCodec + ", " + packetCodec + ")";
  }

  /** Builds a {@link ProtocolSpec}. */
  public static final class Builder<M> {
    private final String name;
    private final MessageCodec<M> messageCodec;
    private PacketCodec packetCodec = LengthPrefixedPacketCodec.defaultCodec();
    private Duration defaultTimeout = Duration.ofSeconds(5);
    private Function<TransportKey, ChannelGenerator> channelGenerators;
    private Supplier<PacketQueue> packetQueues = () -> PacketQueues.bounded(PacketQueues.DEFAULT_CAPACITY);
    private Executor executor = CallbackExecutors.defaultExecutor();
    private StateMachinePool.Factory stateMachinePools = StateMachinePools::striped;
    private Ticker ticker = Ticker.system();
    private Duration tickInterval = Duration.ofMillis(10);
    private ReconnectPolicy backoff = ReconnectPolicy.defaults();
    private byte[] preface = new byte[0];
    private ChannelOptions channelOptions = ChannelOptions.defaults();
    private int connectionsPerKey = 1;
    private int maxTransports = 1024;
    private int maxWaitingForConnection = PacketQueues.DEFAULT_CAPACITY;
    private Duration readTimeout = Duration.ZERO;
    private Duration serverHandshakeTimeout = DEFAULT_SERVER_HANDSHAKE_TIMEOUT;
    private Duration serverStallTimeout = DEFAULT_SERVER_STALL_TIMEOUT;
    private Duration serverIdleTimeout = Duration.ZERO;
    private int serverMaxRequestsInProgress = DEFAULT_SERVER_MAX_REQUESTS_IN_PROGRESS;
    private long serverMaxRequestBytesInProgress = DEFAULT_SERVER_MAX_REQUEST_BYTES_IN_PROGRESS;

    private Builder(String name, MessageCodec<M> messageCodec) {
      this.name = Objects.requireNonNull(name, "name");
      this.messageCodec = Objects.requireNonNull(messageCodec, "messageCodec");
    }

    public Builder<M> packetCodec(PacketCodec codec) {
      this.packetCodec = Objects.requireNonNull(codec);
      return this;
    }

    /** The timeout of calls sent without one; must be positive. */
    public Builder<M> defaultTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      this.defaultTimeout = timeout;
      return this;
    }

    /** How a client transport gets its channels; called once per transport with its key. */
    public Builder<M> channelGenerators(Function<TransportKey, ChannelGenerator> factory) {
      this.channelGenerators = Objects.requireNonNull(factory);
      return this;
    }

    public Builder<M> packetQueues(Supplier<PacketQueue> factory) {
      this.packetQueues = Objects.requireNonNull(factory);
      return this;
    }

    /** Where state machines and routers run. Never an I/O thread. */
    public Builder<M> executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor);
      return this;
    }

    /**
     * The msgID-keyed call table of each client transport, for codecs with {@code long} msgIDs (default
     * {@link StateMachinePools#striped()}). Codecs with opaque msgIDs key their calls by the id's bytes in a table of
     * their own; this factory is not used for them.
     */
    public Builder<M> stateMachinePools(StateMachinePool.Factory factory) {
      this.stateMachinePools = Objects.requireNonNull(factory);
      return this;
    }

    /** The time source for call deadlines and reconnect backoff; tests pass a fake. */
    public Builder<M> ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker);
      return this;
    }

    /** How often a client transport polls its timer: the timeout granularity. */
    public Builder<M> tickInterval(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("tick interval must be positive: " + interval);
      }
      this.tickInterval = interval;
      return this;
    }

    public Builder<M> reconnectPolicy(ReconnectPolicy policy) {
      this.backoff = Objects.requireNonNull(policy);
      return this;
    }

    /**
     * Magic bytes that open every connection of this protocol, so that a port-sharing listener can recognise it.
     * At most 64 bytes.
     */
    public Builder<M> preface(byte[] preface) {
      if (preface.length > 64) {
        throw new IllegalArgumentException("preface longer than 64 bytes");
      }
      this.preface = preface.clone();
      return this;
    }

    /** Socket options for the default channel generator and for listeners. */
    public Builder<M> channelOptions(ChannelOptions options) {
      this.channelOptions = Objects.requireNonNull(options);
      return this;
    }

    /** How many connections a transport pool keeps per key, used round-robin. */
    public Builder<M> connectionsPerKey(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("connectionsPerKey must be positive: " + n);
      }
      this.connectionsPerKey = n;
      return this;
    }

    /** The most keys a transport pool holds; beyond it, getting a new key fails. */
    public Builder<M> maxTransports(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxTransports must be positive: " + n);
      }
      this.maxTransports = n;
      return this;
    }

    /**
     * The most calls a client transport parks while it dials; beyond it, send fails with
     * {@link QueueFullException}. Default {@link PacketQueues#DEFAULT_CAPACITY}.
     */
    public Builder<M> maxWaitingForConnection(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxWaitingForConnection must be positive: " + n);
      }
      this.maxWaitingForConnection = n;
      return this;
    }

    /**
     * Aborts a client connection that has read no byte for {@code timeout} while at least one call is waiting on it,
     * failing its calls with a {@link ConnectionClosedException} caused by {@link ReadTimeoutException}; the next call
     * dials again. This is how a client notices a half-open connection (the peer or the network went silent without
     * FIN or RST) sooner than its calls' deadlines: native protocols have no keepalive ping. Choose it above the
     * slowest legitimate response time. Checked on each timer tick, so it fires within one tick interval after it
     * passes. {@link Duration#ZERO} (the default) turns it off.
     */
    public Builder<M> readTimeout(Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("read timeout must not be negative: " + timeout);
      }
      this.readTimeout = timeout;
      return this;
    }

    /**
     * Server side: aborts an accepted connection that has not delivered its first complete packet (its preface, if
     * the protocol has one, included) within {@code timeout} of being accepted, with a {@link ReadTimeoutException}.
     * This bounds what a peer that connects and sends nothing, or trickles a header, can hold: a file descriptor and
     * a few buffers for at most this long. A legitimate client sends its first request right after it connects (the
     * native client dials on its first call), so the default, {@link #DEFAULT_SERVER_HANDSHAKE_TIMEOUT} (20 s, the
     * order of grpc's and TLS handshake deadlines), is generous. {@link Duration#ZERO} turns it off.
     */
    public Builder<M> serverHandshakeTimeout(Duration timeout) {
      this.serverHandshakeTimeout = notNegative("server handshake timeout", timeout);
      return this;
    }

    /**
     * Server side: aborts a connection, with a {@link ReadTimeoutException}, when part of a packet has arrived and no
     * further byte has arrived for {@code timeout}: a header or body that stalls half-way (slowloris). Any byte is
     * progress, so a slow but moving upload is not cut. A connection between packets is not affected (see
     * {@link #serverIdleTimeout}). Default {@link #DEFAULT_SERVER_STALL_TIMEOUT} (20 s); {@link Duration#ZERO} turns
     * it off.
     */
    public Builder<M> serverStallTimeout(Duration timeout) {
      this.serverStallTimeout = notNegative("server stall timeout", timeout);
      return this;
    }

    /**
     * Server side: closes a connection gracefully once it has had no request in flight and no inbound packet for
     * {@code timeout} (like grpc's {@code maxConnectionIdle}; a connection with a request being served is never idle).
     * <b>Off by default</b>: the native framing has no GOAWAY, so a client cannot learn that the server is about to
     * close an idle connection, and a request it sends at that moment fails with a (retryable)
     * {@link ConnectionClosedException}; grpc turns its idle limit on only on request for the same reason, and sends a
     * GOAWAY first. Turn it on to reclaim connections of clients that went away without closing; choose it well above
     * the clients' quiet periods. Silent connections that never sent a packet are already bounded by
     * {@link #serverHandshakeTimeout}. {@link Duration#ZERO} (the default) turns it off.
     */
    public Builder<M> serverIdleTimeout(Duration timeout) {
      this.serverIdleTimeout = notNegative("server idle timeout", timeout);
      return this;
    }

    /**
     * Server side: how much one connection may hand to the router before the server stops reading from it. A request
     * is in progress from the moment it is decoded until it is answered (or the router gives it up by throwing); its
     * size is its packet's. When a connection has {@code maxRequests} requests or {@code maxBytes} request bytes in
     * progress, the server stops reading from it, and resumes once answers have brought both below three quarters of
     * their limits; the client's further requests wait in the kernel's buffers and then in its own queue (TCP
     * backpressure), none is lost. The server also stops reading while the connection cannot take more outbound bytes
     * (a client that does not read its answers), so answers are not dropped for a full queue. A request that arrives
     * in the same read as the one that reached a limit is still delivered, so a limit can be exceeded by one read.
     *
     * <p>Mind routers that answer a request only after a later one arrives: such a router needs limits above the
     * number of requests it holds back. Defaults: {@link #DEFAULT_SERVER_MAX_REQUESTS_IN_PROGRESS} (16,384) and
     * {@link #DEFAULT_SERVER_MAX_REQUEST_BYTES_IN_PROGRESS} (256 MiB).
     *
     * @throws IllegalArgumentException if either limit is not positive
     */
    public Builder<M> serverMaxRequestsInProgress(int maxRequests, long maxBytes) {
      if (maxRequests <= 0 || maxBytes <= 0) {
        throw new IllegalArgumentException(
            "server requests in progress must be positive: " + maxRequests + " requests, " + maxBytes + " bytes");
      }
      this.serverMaxRequestsInProgress = maxRequests;
      this.serverMaxRequestBytesInProgress = maxBytes;
      return this;
    }

    private static Duration notNegative(String what, Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException(what + " must not be negative: " + timeout);
      }
      return timeout;
    }

    public ProtocolSpec<M> build() {
      return new ProtocolSpec<>(this);
    }
  }
}
