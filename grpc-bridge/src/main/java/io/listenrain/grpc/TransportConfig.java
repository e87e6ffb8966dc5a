package io.listenrain.grpc;

import io.grpc.internal.GrpcUtil;
import io.grpc.internal.TransportTracer;
import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelOptions;
import io.listenrain.channel.Channels;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * The knobs shared by the client and server transports, with safe defaults. Builders fill a copy; transports only
 * read it.
 */
final class TransportConfig implements Cloneable {
  /**
   * Default maximum DATA frame payload this end advertises: 256 KiB (range 16 KiB to 1 MiB). DATA frames are
   * written as slices of the framer's buffers, never copied, so a larger frame costs no memory; it saves per-frame
   * work (headers, buffers, flow-control steps): a 4 MiB message is 16 frames instead of 64. It stays a quarter of
   * the default window so that credit comes back (at half a window) while later frames are still in flight; a frame
   * as large as the window would stop the sender for a round trip after every window. The protocol's default for a
   * peer that has not sent SETTINGS yet stays {@link Settings#DEFAULT_MAX_FRAME_SIZE}.
   */
  static final int DEFAULT_MAX_FRAME_SIZE = 256 * 1024;
  /** Default stream and connection window, as grpc-netty: 1 MiB. */
  static final int DEFAULT_FLOW_CONTROL_WINDOW = Settings.DEFAULT_WINDOW;

  int maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
  int flowControlWindow = DEFAULT_FLOW_CONTROL_WINDOW;
  int maxInboundMessageSize = GrpcUtil.DEFAULT_MAX_MESSAGE_SIZE;
  int maxInboundMetadataSize = GrpcUtil.DEFAULT_MAX_HEADER_LIST_SIZE;
  /**
   * Default limit of concurrent calls per server connection: 1,000. grpc-netty leaves it unlimited, and a peer then
   * holds ~3.5 KB per idle stream for as long as it likes (issue #12: 200,000 streams, 600 MB). 1,000 bounds that to
   * a few MB per connection, is ten times the minimum HTTP/2 recommends (100), and costs a legitimate client nothing:
   * the ListenRain client queues calls above the server's advertised limit instead of failing them.
   */
  static final int DEFAULT_MAX_CONCURRENT_STREAMS = 1_000;
  /** Default stall timeout of a partly received frame, as the native server's: 20 s. */
  static final long DEFAULT_STALL_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(20);

  int maxConcurrentStreams = DEFAULT_MAX_CONCURRENT_STREAMS;
  /** Server: a frame partly received with no byte for this long closes the connection; 0 turns it off. */
  long stallTimeoutNanos = DEFAULT_STALL_TIMEOUT_NANOS;
  /** Server: a call without a deadline and with no frame either way for this long is reset; 0 (default): off. */
  long streamIdleTimeoutNanos;
  int outboundQueueCapacity = 64 * 1024;
  /**
   * Send budget per connection: on a client, queued DATA bytes above which new streams wait for readiness
   * ({@link SendBudget}); on a server, queued response bytes above which connection credit is held back.
   */
  long maxQueuedSendBytes = SendBudget.DEFAULT_BUDGET;
  /**
   * Server: response DATA bytes a connection may hold queued behind its peer's windows ({@link ResponseBudget});
   * past it new streams are refused and writes fail their call.
   */
  long maxQueuedResponseBytes = ResponseBudget.DEFAULT_BUDGET;
  /** Server: how long a connection may stay at its response budget before it is closed with GOAWAY. */
  long queuedResponseDeadlineNanos = ResponseBudget.DEFAULT_DEADLINE_NANOS;
  /**
   * Server: how long a graceful drain waits for the client to answer the PING sent with the first GOAWAY before it
   * sends the final one anyway; 10 s, as grpc-netty.
   */
  long drainPingTimeoutNanos = TimeUnit.SECONDS.toNanos(10);
  /** Server: what to do when a thread serving the server hits OutOfMemoryError ({@link OutOfMemoryPolicy}). */
  java.util.function.Consumer<? super OutOfMemoryError> onOutOfMemory = OutOfMemoryPolicy::halt;
  /** Client: how long a readiness grant reserves budget for a stream that has not written yet. */
  long sendBudgetHoldNanos = SendBudget.DEFAULT_HOLD_NANOS;
  /** The clock for budget holds; tests may replace it. */
  java.util.function.LongSupplier ticker = System::nanoTime;
  ChannelOptions channelOptions = ChannelOptions.defaults();
  TransportTracer.Factory tracerFactory = TransportTracer.getDefaultFactory();
  /** ListenRain's own transport metrics ({@link ListenRainMetrics}); none by default. */
  TransportMetrics metrics = TransportMetrics.NONE;

  // Client keepalive.
  long keepAliveTimeNanos = GrpcUtil.KEEPALIVE_TIME_NANOS_DISABLED;
  long keepAliveTimeoutNanos = GrpcUtil.DEFAULT_KEEPALIVE_TIMEOUT_NANOS;
  boolean keepAliveWithoutCalls;
  /** Client: a call whose authority the server certificate does not cover fails (see {@link CallAuthorityCheck}). */
  boolean perRpcAuthorityCheck = true;

  // Server policing.
  long serverKeepAliveTimeNanos = GrpcUtil.DEFAULT_SERVER_KEEPALIVE_TIME_NANOS;
  long serverKeepAliveTimeoutNanos = GrpcUtil.DEFAULT_SERVER_KEEPALIVE_TIMEOUT_NANOS;
  long permitKeepAliveTimeNanos = TimeUnit.MINUTES.toNanos(5);
  boolean permitKeepAliveWithoutCalls;
  long maxConnectionIdleNanos = Long.MAX_VALUE;
  long maxConnectionAgeNanos = Long.MAX_VALUE;
  long maxConnectionAgeGraceNanos = Long.MAX_VALUE;

  // Server abuse budgets (AbusePolicy) and the handshake deadline.
  /** Default handshake deadline: the preface and the first SETTINGS must arrive within 20 s of the accept. */
  static final long DEFAULT_HANDSHAKE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(20);
  /**
   * Bytes a connection may send before its handshake completes: the 8-byte preface and a first frame of at most
   * this many bytes (a SETTINGS frame is 46 bytes; a larger first frame is refused from its length alone).
   */
  static final int MAX_HANDSHAKE_FRAME = 1024;

  int maxRstPerWindow = AbusePolicy.DEFAULT_MAX_RST_PER_WINDOW;
  long rstWindowNanos = TimeUnit.SECONDS.toNanos(AbusePolicy.DEFAULT_RST_WINDOW_SECONDS);
  int maxConsecutiveEmptyData = AbusePolicy.DEFAULT_MAX_CONSECUTIVE_EMPTY_DATA;
  int maxTinyDataFrames = AbusePolicy.DEFAULT_MAX_TINY_DATA_FRAMES;
  int maxQueuedReplies = AbusePolicy.DEFAULT_MAX_QUEUED_REPLIES;
  long handshakeTimeoutNanos = DEFAULT_HANDSHAKE_TIMEOUT_NANOS;
  /** Test hook: told of each server transport as it is created (I/O thread). {@code null} in production. */
  java.util.function.Consumer<ListenRainServerTransport> serverTransportCreated;
  /** Test hook: told of each client transport as it is created. {@code null} in production. */
  java.util.function.Consumer<ListenRainClientTransport> clientTransportCreated;
  /** How a client transport dials; tests may wrap {@link Channels#dial} to hand over a channel in a chosen state. */
  BiFunction<SocketAddress, ChannelOptions, CompletableFuture<Channel>> dialer = TransportConfig::dial;

  /** Dials {@code address}, or asks the application's generator when the address is one ({@link ChannelSourceAddress}). */
  static CompletableFuture<Channel> dial(SocketAddress address, ChannelOptions options) {
    if (address instanceof ChannelSourceAddress && ((ChannelSourceAddress) address).generator() != null) {
      return ((ChannelSourceAddress) address).generator().connect();
    }
    return Channels.dial(address, options);
  }

  Settings localSettings() {
    return new Settings(maxFrameSize, flowControlWindow, flowControlWindow, maxConcurrentStreams,
        maxInboundMetadataSize);
  }

  /**
   * The largest request HEADERS frame (type..payload) a server accepts: the method name and the authority at their
   * longest (u16 lengths), the metadata count, and {@link #maxInboundMetadataSize} (each entry's encoding, 8 bytes
   * plus name and value, is below its 32-byte size accounting). Any larger frame holds metadata over the limit, so
   * it is refused from its header: with the 8 KiB default about 136 KiB instead of the 1 MiB control-frame limit.
   */
  long maxHeadersFrame() {
    return Wire.FRAME_HEADER_LENGTH + 2 * (2 + 0xFFFF) + 4 + (long) maxInboundMetadataSize;
  }

  /** The packet limit: any frame up to 1 MiB (HEADERS, TRAILERS) or the DATA limit, plus the frame header. */
  int maxPacketLength() {
    return Math.max(maxFrameSize, Wire.MAX_CONTROL_FRAME) + Wire.FRAME_HEADER_LENGTH;
  }

  TransportConfig copy() {
    try {
      return (TransportConfig) super.clone();
    } catch (CloneNotSupportedException e) {
      throw new AssertionError(e);
    }
  }

  static int checkFrameSize(int size) {
    if (size < Wire.MIN_MAX_FRAME_SIZE || size > Wire.MAX_MAX_FRAME_SIZE) {
      throw new IllegalArgumentException("max frame size must be in [16 KiB, 1 MiB]: " + size);
    }
    return size;
  }
}
