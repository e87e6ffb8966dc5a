package io.listenrain.examples;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;

/** The example echo service: every call type of {@code echo.proto}, answering with the payload or a sized one. */
final class EchoService extends EchoServiceGrpc.EchoServiceImplBase {

  @Override
  public void echo(EchoRequest request, StreamObserver<EchoResponse> responses) {
    responses.onNext(reply(request));
    responses.onCompleted();
  }

  @Override
  public void serverStream(EchoRequest request, StreamObserver<EchoResponse> responses) {
    EchoResponse reply = reply(request);
    for (int i = 0; i < Math.max(1, request.getResponseCount()); i++) {
      responses.onNext(reply);
    }
    responses.onCompleted();
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
        responses.onNext(EchoResponse.newBuilder()
            .setPayload(ByteString.copyFromUtf8(Long.toString(total))).build());
        responses.onCompleted();
      }
    };
  }

  @Override
  public StreamObserver<EchoRequest> bidiStream(StreamObserver<EchoResponse> responses) {
    return new StreamObserver<>() {
      @Override
      public void onNext(EchoRequest request) {
        responses.onNext(reply(request));
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        responses.onCompleted();
      }
    };
  }

  private static EchoResponse reply(EchoRequest request) {
    ByteString payload = request.getResponseSize() > 0
        ? ByteString.copyFrom(new byte[request.getResponseSize()]) : request.getPayload();
    return EchoResponse.newBuilder().setPayload(payload).build();
  }
}
