package io.listenrain.interop;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An echo service for fault tests. {@code echo} answers with the request's payload, except that a request with
 * {@code response_count < 0} is held: it is never answered and stays open until the client or the connection ends it.
 * {@code serverStream} sends one response at once and then holds the stream open the same way. {@link #held()} counts
 * the calls currently held, so a test can wait until all of them reached the server.
 */
final class HoldingEchoService extends EchoServiceGrpc.EchoServiceImplBase {
  private final AtomicInteger held = new AtomicInteger();

  /** Calls the server holds open right now. */
  int held() {
    return held.get();
  }

  @Override
  public void echo(EchoRequest request, StreamObserver<EchoResponse> responses) {
    if (request.getResponseCount() < 0) {
      hold(responses);
      return;
    }
    responses.onNext(EchoResponse.newBuilder().setPayload(request.getPayload()).build());
    responses.onCompleted();
  }

  @Override
  public void serverStream(EchoRequest request, StreamObserver<EchoResponse> responses) {
    responses.onNext(EchoResponse.newBuilder().setPayload(request.getPayload()).build());
    hold(responses);
  }

  private void hold(StreamObserver<EchoResponse> responses) {
    held.incrementAndGet();
    ((ServerCallStreamObserver<EchoResponse>) responses).setOnCancelHandler(held::decrementAndGet);
  }
}
