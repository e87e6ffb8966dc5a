package io.listenrain.benchmark.soak;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Issues gRPC calls on one channel, through the generated async stub: unary echoes and server streams whose payload
 * starts with the call's id (8 bytes, big-endian); every response must carry it back.
 */
final class GrpcLoad {
  private final EchoServiceGrpc.EchoServiceStub stub;
  private final CallLedger ledger;
  private final int payloadBytes;
  private final int streamMessages;
  private final long timeoutNanos;

  GrpcLoad(ManagedChannel channel, CallLedger ledger, int payloadBytes, int streamMessages, Duration timeout) {
    this.stub = EchoServiceGrpc.newStub(channel);
    this.ledger = ledger;
    this.payloadBytes = payloadBytes;
    this.streamMessages = streamMessages;
    this.timeoutNanos = timeout.toNanos();
  }

  static ByteString payload(long id, int size) {
    byte[] b = new byte[size];
    ByteBuffer.wrap(b).putLong(id);
    return ByteString.copyFrom(b);
  }

  static long idOf(ByteString payload) {
    return payload.size() < Long.BYTES ? -1 : payload.substring(0, Long.BYTES).asReadOnlyByteBuffer().getLong();
  }

  /** One unary echo. */
  void unary(ClosedLoopDriver.Done done) {
    long id = ledger.begin(CallKind.GRPC_UNARY);
    EchoRequest req = EchoRequest.newBuilder().setPayload(payload(id, payloadBytes)).build();
    try {
      stub.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS).echo(req, new StreamObserver<EchoResponse>() {
        private long echoed = Long.MIN_VALUE;
        private int messages;

        @Override
        public void onNext(EchoResponse value) {
          messages++;
          echoed = idOf(value.getPayload());
        }

        @Override
        public void onError(Throwable t) {
          ledger.failed(id, Failure.of(t));
          done.done(true);
        }

        @Override
        public void onCompleted() {
          if (messages == 1) {
            ledger.succeeded(id, echoed);
          } else {
            ledger.violation(id, "unary call completed with " + messages + " responses");
          }
          done.done(false);
        }
      });
    } catch (RuntimeException e) {
      ledger.failed(id, Failure.of(e));
      done.done(true);
    }
  }

  /** One server-streaming call of {@code streamMessages} echoes. */
  void serverStream(ClosedLoopDriver.Done done) {
    long id = ledger.begin(CallKind.GRPC_STREAM);
    EchoRequest req = EchoRequest.newBuilder().setPayload(payload(id, payloadBytes))
        .setResponseCount(streamMessages).build();
    try {
      stub.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS).serverStream(req, new StreamObserver<EchoResponse>() {
        private int messages;

        @Override
        public void onNext(EchoResponse value) {
          messages++;
          if (idOf(value.getPayload()) != id) {
            ledger.misrouted();
          }
        }

        @Override
        public void onError(Throwable t) {
          ledger.failed(id, Failure.of(t));
          done.done(true);
        }

        @Override
        public void onCompleted() {
          if (messages == streamMessages) {
            ledger.succeeded(id, id);
          } else {
            ledger.violation(id, "stream completed after " + messages + " messages");
          }
          done.done(false);
        }
      });
    } catch (RuntimeException e) {
      ledger.failed(id, Failure.of(e));
      done.done(true);
    }
  }
}
