package io.listenrain.benchmark.soak;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;

/**
 * The soak's echo service: unary echoes the request payload (which carries the call's id); a server stream sends
 * {@code response_count} copies of the request payload, respecting flow control. Echoing the payload (unlike the
 * benchmark's service, which sends fresh bytes) is what lets the client check that each response belongs to its call.
 */
final class SoakEchoService extends EchoServiceGrpc.EchoServiceImplBase {

  @Override
  public void echo(EchoRequest request, StreamObserver<EchoResponse> responses) {
    responses.onNext(EchoResponse.newBuilder().setPayload(request.getPayload()).build());
    responses.onCompleted();
  }

  @Override
  public void serverStream(EchoRequest request, StreamObserver<EchoResponse> responses) {
    ServerCallStreamObserver<EchoResponse> out = (ServerCallStreamObserver<EchoResponse>) responses;
    EchoResponse message = EchoResponse.newBuilder().setPayload(request.getPayload()).build();
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
}
