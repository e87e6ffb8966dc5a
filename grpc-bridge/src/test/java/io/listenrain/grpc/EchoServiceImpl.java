package io.listenrain.grpc;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;

/**
 * The echo service the end-to-end tests call: Echo returns the payload (or {@code response_size} bytes when set),
 * ServerStream sends {@code response_count} responses, ClientStream answers with the concatenated payloads, and
 * BidiStream echoes each request.
 */
class EchoServiceImpl extends EchoServiceGrpc.EchoServiceImplBase {
  static EchoResponse respond(EchoRequest req) {
    ByteString payload = req.getResponseSize() > 0
        ? ByteString.copyFrom(new byte[req.getResponseSize()]) : req.getPayload();
    return EchoResponse.newBuilder().setPayload(payload).build();
  }

  @Override
  public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
    out.onNext(respond(request));
    out.onCompleted();
  }

  @Override
  public void serverStream(EchoRequest request, StreamObserver<EchoResponse> out) {
    for (int i = 0; i < request.getResponseCount(); i++) {
      out.onNext(EchoResponse.newBuilder().setPayload(ByteString.copyFromUtf8(Integer.toString(i))).build());
    }
    out.onCompleted();
  }

  @Override
  public StreamObserver<EchoRequest> clientStream(StreamObserver<EchoResponse> out) {
    return new StreamObserver<>() {
      private ByteString all = ByteString.EMPTY;

      @Override
      public void onNext(EchoRequest value) {
        all = all.concat(value.getPayload());
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        out.onNext(EchoResponse.newBuilder().setPayload(all).build());
        out.onCompleted();
      }
    };
  }

  @Override
  public StreamObserver<EchoRequest> bidiStream(StreamObserver<EchoResponse> out) {
    return new StreamObserver<>() {
      @Override
      public void onNext(EchoRequest value) {
        out.onNext(respond(value));
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        out.onCompleted();
      }
    };
  }
}
