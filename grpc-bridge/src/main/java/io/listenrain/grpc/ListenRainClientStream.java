package io.listenrain.grpc;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.internal.AbstractClientStream;
import io.grpc.internal.StatsTraceContext;
import io.grpc.internal.TransportTracer;
import io.grpc.internal.WritableBuffer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The client half of one call. Outbound calls (app threads) become commands for the transport's I/O thread;
 * inbound state ({@link State}) lives on that thread.
 */
final class ListenRainClientStream extends AbstractClientStream {
  private final ListenRainClientTransport transport;
  private final MethodDescriptor<?, ?> method;
  private final State state;
  private final Sink sink = new Sink();
  private final boolean countedForInUse;
  private final TransportTracer tracer;
  private volatile String authority;

  // I/O-thread state, owned by the transport.
  final OutboundFlowController.StreamState out;
  final SendBudget.Ticket readiness;
  InboundFlowController.StreamFlow in;
  Metadata pendingHeaders;
  int id;
  boolean started;
  boolean finished;

  ListenRainClientStream(ListenRainClientTransport transport, MethodDescriptor<?, ?> method, Metadata headers, CallOptions callOptions,
      StatsTraceContext statsTraceCtx, TransportTracer tracer, int maxInboundMessageSize) {
    super(ByteBufWritableBuffer.allocator(transport.alloc(), true), statsTraceCtx, tracer,
        headers, callOptions, false);
    this.transport = transport;
    this.method = method;
    this.tracer = tracer;
    this.authority = transport.authority();
    this.countedForInUse = io.grpc.internal.GrpcUtil.shouldBeCountedForInUse(callOptions);
    this.state = new State(maxInboundMessageSize, statsTraceCtx, tracer, callOptions);
    this.out = new OutboundFlowController.StreamState(state::onSentBytes);
    this.readiness = new SendBudget.Ticket(state::allocated);
  }

  MethodDescriptor<?, ?> method() {
    return method;
  }

  String authorityValue() {
    return authority;
  }

  boolean countedForInUse() {
    return countedForInUse;
  }

  @Override
  protected State transportState() {
    return state;
  }

  @Override
  protected Sink abstractClientStreamSink() {
    return sink;
  }

  @Override
  public void setAuthority(String authority) {
    this.authority = authority;
  }

  @Override
  public Attributes getAttributes() {
    return transport.getAttributes();
  }

  /** Inbound state, on the I/O thread. */
  final class State extends AbstractClientStream.TransportState {
    State(int maxMessageSize, StatsTraceContext ctx, TransportTracer tracer, CallOptions callOptions) {
      super(maxMessageSize, ctx, tracer, callOptions);
    }

    @Override
    public void runOnTransportThread(Runnable r) {
      transport.runOnLoop(r);
    }

    @Override
    public void bytesRead(int numBytes) {
      transport.bytesRead(ListenRainClientStream.this, numBytes);
    }

    @Override
    public void deframeFailed(Throwable cause) {
      transport.cancelOnLoop(ListenRainClientStream.this, Status.fromThrowable(cause));
    }

    @Override
    protected void onStreamAllocated() {
      super.onStreamAllocated();
      getTransportTracer().reportLocalStreamStarted();
    }

    void headers(Metadata md) {
      inboundHeadersReceived(md);
    }

    void data(ByteBuf buf) {
      inboundDataReceived(new ByteBufReadableBuffer(buf));
    }

    void trailers(Metadata md, Status status) {
      inboundTrailersReceived(md, status);
    }

    void allocated() {
      onStreamAllocated();
    }
  }

  /** Outbound calls from the application. */
  private final class Sink implements AbstractClientStream.Sink {
    @Override
    public void writeHeaders(Metadata headers, byte[] payload) {
      // A unary or server-streaming request's HEADERS wait for its DATA (the message and end of stream, or a cancel,
      // always follow), so the I/O thread wakes once per request, as grpc-netty does.
      transport.commands(() -> transport.startStream(ListenRainClientStream.this, headers),
          !method.getType().clientSendsOneMessage());
    }

    @Override
    public void writeFrame(WritableBuffer frame, boolean endOfStream, boolean flush, int numMessages) {
      ByteBuf buf = frame == null ? Unpooled.EMPTY_BUFFER : ((ByteBufWritableBuffer) frame).takeOver();
      int n = buf.readableBytes();
      if (n > 0) {
        onSendingBytes(n);
      }
      tracer.reportMessageSent(numMessages);
      boolean messageEnd = numMessages > 0;
      transport.commands(() -> transport.writeData(ListenRainClientStream.this, buf, endOfStream, messageEnd),
          flush || endOfStream);
    }

    @Override
    public void cancel(Status status) {
      transport.commands(() -> transport.cancelOnLoop(ListenRainClientStream.this, status));
    }
  }
}
