package io.listenrain.examples.greeter;

import io.grpc.stub.StreamObserver;
import io.listenrain.proto.greeter.GreeterGrpc;
import io.listenrain.proto.greeter.HelloReply;
import io.listenrain.proto.greeter.HelloRequest;

/** The greeter's implementation: plain grpc-java, unaware of the transport under it. */
public final class GreeterService extends GreeterGrpc.GreeterImplBase {
  @Override
  public void sayHello(HelloRequest request, StreamObserver<HelloReply> responseObserver) {
    responseObserver.onNext(HelloReply.newBuilder().setMessage("Hello, " + request.getName()).build());
    responseObserver.onCompleted();
  }
}
