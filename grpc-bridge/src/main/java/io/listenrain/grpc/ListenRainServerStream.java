package io.listenrain.grpc;

import io.grpc.Attributes;
import io.grpc.InternalMetadata;
import io.grpc.InternalStatus;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.internal.AbstractServerStream;
import io.grpc.internal.StatsTraceContext;
import io.grpc.internal.TransportTracer;
import io.grpc.internal.WritableBuffer;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The server half of one call. Outbound calls (app threads) become commands for the transport's I/O thread; inbound
 * state ({@link State}) lives on that thread.
 */
final class ListenRainServerStream extends AbstractServerStream {
  private static final byte[] STATUS_NAME = InternalStatus.CODE_KEY.name().getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MESSAGE_NAME = InternalStatus.MESSAGE_KEY.name().getBytes(StandardCharsets.US_ASCII);

  private final ListenRainServerTransport transport;
  private final int id;
  private final String authority;
  private final Attributes attributes;
  private final State state;
  private final Sink sink = new Sink();
  private final TransportTracer tracer;

  // I/O-thread state, owned by the transport.
  final OutboundFlowController.StreamState out;
  final InboundFlowController.StreamFlow in;
  boolean finished;
  /** Reset by the client while the application side had not closed it: still counted against the concurrency limit. */
  boolean holdsSlot;
  /** The client ended its side (END_STREAM): more DATA is a stream error. */
  boolean inboundEnded;
  /** The request carried grpc-timeout: the idle timeout does not apply. */
  boolean hasDeadline;
  /** When a frame last went either way on this stream (config ticker), for the idle timeout. */
  long lastActivityNanos;

  ListenRainServerStream(ListenRainServerTransport transport, int id, String authority, Attributes attributes,
      StatsTraceContext ctx, TransportTracer tracer, int maxInboundMessageSize,
      InboundFlowController.StreamFlow in) {
    super(ByteBufWritableBuffer.allocator(transport.alloc(), false), ctx);
    this.transport = transport;
    this.id = id;
    this.authority = authority;
    this.attributes = attributes;
    this.tracer = tracer;
    this.state = new State(maxInboundMessageSize, ctx, tracer);
    this.out = new OutboundFlowController.StreamState(state::onSentBytes);
    this.in = in;
  }

  @Override
  protected State transportState() {
    return state;
  }

  @Override
  protected Sink abstractServerStreamSink() {
    return sink;
  }

  @Override
  public int streamId() {
    return id;
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public String getAuthority() {
    return authority;
  }

  /** Serialized trailers without grpc-status and grpc-message, which TRAILERS carries in its own fields. */
  static byte[][] serializeTrailers(Metadata trailers) {
    byte[][] all = InternalMetadata.serialize(trailers);
    byte[][] kept = new byte[all.length][];
    int n = 0;
    for (int i = 0; i + 1 < all.length; i += 2) {
      if (Arrays.equals(all[i], STATUS_NAME) || Arrays.equals(all[i], MESSAGE_NAME)) {
        continue;
      }
      kept[n++] = all[i];
      kept[n++] = all[i + 1];
    }
    return n == all.length ? all : Arrays.copyOf(kept, n);
  }

  /**
   * grpc-java inflates a compressed request lazily, while the application thread parses it, so its deframer's
   * RESOURCE_EXHAUSTED ("Decompressed gRPC message exceeds maximum size") surfaces as an application error: the call
   * is closed UNKNOWN with that status as the cause, which is never sent. The client must learn the real reason (a
   * compression bomb is its message being too large), so that case, and only that one, goes out as the cause's
   * status.
   */
  static Status sizeLimitBehindUnknown(Status status) {
    if (status.getCode() == Status.Code.UNKNOWN && status.getCause() != null) {
      Status cause = Status.fromThrowable(status.getCause());
      if (cause.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
        return cause;
      }
    }
    return status;
  }

  /** Inbound state, on the I/O thread. */
  final class State extends AbstractServerStream.TransportState {
    State(int maxMessageSize, StatsTraceContext ctx, TransportTracer tracer) {
      super(maxMessageSize, ctx, tracer);
    }

    @Override
    public void runOnTransportThread(Runnable r) {
      transport.runOnLoop(r);
    }

    @Override
    public void bytesRead(int numBytes) {
      transport.bytesRead(ListenRainServerStream.this, numBytes);
    }

    @Override
    public void deframeFailed(Throwable cause) {
      transport.deframeFailed(ListenRainServerStream.this, Status.fromThrowable(cause));
    }

    void data(ByteBuf buf, boolean endOfStream) {
      inboundDataReceived(new ByteBufReadableBuffer(buf), endOfStream);
    }
  }

  /** Outbound calls from the application. */
  private final class Sink implements AbstractServerStream.Sink {
    @Override
    public void writeHeaders(Metadata headers, boolean flush) {
      byte[][] md = InternalMetadata.serialize(headers);
      // Unflushed headers (a unary response) ride with the message or the trailers that always follow.
      transport.commands(() -> transport.writeHeaders(ListenRainServerStream.this, md), flush);
    }

    @Override
    public void writeFrame(WritableBuffer frame, boolean flush, int numMessages) {
      if (frame == null) {
        if (flush) {
          transport.commands(() -> { }); // pushes out commands queued without flush
        }
        return;
      }
      ByteBuf buf = ((ByteBufWritableBuffer) frame).takeOver();
      int n = buf.readableBytes();
      if (n > 0) {
        onSendingBytes(n);
      }
      tracer.reportMessageSent(numMessages);
      transport.commands(() -> transport.writeData(ListenRainServerStream.this, buf), flush);
    }

    @Override
    public void writeTrailers(Metadata trailers, boolean headersSent, Status status) {
      byte[][] md = serializeTrailers(trailers);
      Status sent = sizeLimitBehindUnknown(status);
      transport.commands(() -> transport.writeTrailers(ListenRainServerStream.this, sent, md));
    }

    @Override
    public void cancel(Status status) {
      transport.commands(() -> transport.cancelByServer(ListenRainServerStream.this, status));
    }
  }
}
