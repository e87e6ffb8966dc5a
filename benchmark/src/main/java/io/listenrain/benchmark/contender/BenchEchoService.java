package io.listenrain.benchmark.contender;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.listenrain.benchmark.spi.Payload;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import java.nio.ByteBuffer;

/**
 * The echo service every gRPC contender serves, so that rows differ only in transport; the soak serves it too. Every
 * answer echoes the request payload, or is {@link Payload#of(int)} bytes when {@code response_size} is set: once for
 * unary calls and each bidi message, {@code response_count} times for a server stream (respecting the transport's
 * flow control).
 */
public final class BenchEchoService extends EchoServiceGrpc.EchoServiceImplBase {

  private static EchoResponse answer(EchoRequest request) {
    int size = request.getResponseSize();
    return EchoResponse.newBuilder()
        .setPayload(size == 0 ? request.getPayload() : Payload.of(size).byteString())
        .build();
  }

  @Override
  public void echo(EchoRequest request, StreamObserver<EchoResponse> responses) {
    responses.onNext(answer(request));
    responses.onCompleted();
  }

  @Override
  public void serverStream(EchoRequest request, StreamObserver<EchoResponse> responses) {
    ServerCallStreamObserver<EchoResponse> out = (ServerCallStreamObserver<EchoResponse>) responses;
    EchoResponse message = answer(request);
    int count = request.getResponseCount();
    // onReady and this method run serialized on the call's executor, so the pump needs no lock.
    Runnable pump = new Runnable() {
      private int sent;
      private boolean done;

      @Override
      public void run() {
        while (!done && !out.isCancelled() && out.isReady() && sent < count) {
          out.onNext(message);
          sent++;
        }
        if (!done && sent == count) {
          done = true;
          out.onCompleted();
        }
      }
    };
    out.setOnCancelHandler(() -> { });
    out.setOnReadyHandler(pump);
    pump.run();
  }

  @Override
  public StreamObserver<EchoRequest> clientStream(StreamObserver<EchoResponse> responses) {
    return new StreamObserver<>() {
      private long total;

      @Override
      public void onNext(EchoRequest request) {
        total += request.getPayload().size();
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        byte[] count = ByteBuffer.allocate(Long.BYTES).putLong(total).array();
        responses.onNext(EchoResponse.newBuilder()
            .setPayload(com.google.protobuf.ByteString.copyFrom(count)).build());
        responses.onCompleted();
      }
    };
  }

  @Override
  public StreamObserver<EchoRequest> bidiStream(StreamObserver<EchoResponse> responses) {
    return new StreamObserver<>() {
      @Override
      public void onNext(EchoRequest request) {
        responses.onNext(answer(request));
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        responses.onCompleted();
      }
    };
  }
}
