package io.listenrain.benchmark.contender;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.Server;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.listenrain.benchmark.spi.CallListener;
import io.listenrain.benchmark.spi.Payload;
import io.listenrain.benchmark.spi.PingPong;
import io.listenrain.benchmark.spi.Session;
import io.listenrain.benchmark.spi.StreamListener;
import io.listenrain.benchmark.spi.Workload;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** A started gRPC server and one channel to it, driven through the async stub. */
final class GrpcSession implements Session {
  private final Server server;
  private final ManagedChannel channel;
  private final String endpoint;
  private final EchoServiceGrpc.EchoServiceStub stub;
  private final ConcurrentHashMap<Integer, EchoRequest> echoRequests = new ConcurrentHashMap<>();
  /** The echo method as a client-streaming call: see {@link #unaryWhenReady}. */
  static final MethodDescriptor<EchoRequest, EchoResponse> ECHO_WHEN_READY = EchoServiceGrpc.getEchoMethod()
      .toBuilder().setType(MethodDescriptor.MethodType.CLIENT_STREAMING).build();

  GrpcSession(Server server, ManagedChannel channel, String endpoint) {
    this.server = server;
    this.channel = channel;
    this.endpoint = endpoint;
    this.stub = EchoServiceGrpc.newStub(channel);
  }

  /** Connects the channel with one small blocking call, so that the first cell does not pay for it. */
  void awaitReady() {
    EchoResponse r = EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
        .echo(request(Payload.of(16)));
    if (!Payload.of(16).matches(r.getPayload())) {
      throw Payload.of(16).mismatch(r.getPayload().size());
    }
  }

  private EchoRequest request(Payload payload) {
    return echoRequests.computeIfAbsent(payload.size(),
        s -> EchoRequest.newBuilder().setPayload(payload.byteString()).build());
  }

  @Override
  public void unary(Payload request, CallListener listener) {
    stub.echo(request(request), new StreamObserver<>() {
      private boolean verified;
      private boolean failed;

      @Override
      public void onNext(EchoResponse response) {
        if (request.matches(response.getPayload())) {
          verified = true;
        } else {
          failed = true;
          listener.onFailure(request.mismatch(response.getPayload().size()));
        }
      }

      @Override
      public void onError(Throwable t) {
        if (!failed) {
          failed = true;
          listener.onFailure(t);
        }
      }

      @Override
      public void onCompleted() {
        if (verified && !failed) {
          listener.onResponse();
        } else if (!failed) {
          listener.onFailure(new IllegalStateException("unary call completed without a response"));
        }
      }
    });
  }

  /**
   * The echo as a {@link ClientCall} that sends its request on the first {@code onReady}. The descriptor is the echo
   * method typed client-streaming (the same bytes on the wire): grpc-java transports, grpc-netty included, send a
   * unary call's HEADERS only together with its message, so a unary-typed call that waits for readiness would never
   * become ready. Every gRPC contender runs this same code.
   */
  @Override
  public void unaryWhenReady(Payload request, CallListener listener) {
    ClientCall<EchoRequest, EchoResponse> call = channel.newCall(ECHO_WHEN_READY, CallOptions.DEFAULT);
    call.start(new ClientCall.Listener<>() {
      private boolean sent;
      private boolean verified;
      private boolean failed;

      @Override
      public void onReady() {
        if (!sent) {
          sent = true;
          call.sendMessage(request(request));
          call.halfClose();
        }
      }

      @Override
      public void onMessage(EchoResponse response) {
        if (request.matches(response.getPayload())) {
          verified = true;
        } else if (!failed) {
          failed = true;
          listener.onFailure(request.mismatch(response.getPayload().size()));
        }
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        if (failed) {
          return;
        }
        if (!status.isOk()) {
          listener.onFailure(status.asRuntimeException(trailers));
        } else if (verified) {
          listener.onResponse();
        } else {
          listener.onFailure(new IllegalStateException("unary call completed without a response"));
        }
      }
    }, new Metadata());
    call.request(1);
  }

  @Override
  public void serverStream(Payload message, StreamListener listener) {
    EchoRequest req = EchoRequest.newBuilder()
        .setResponseSize(message.size())
        .setResponseCount(Workload.STREAM_MESSAGES_PER_CALL)
        .build();
    stub.serverStream(req, new ClientResponseObserver<EchoRequest, EchoResponse>() {
      private ClientCallStreamObserver<EchoRequest> call;
      private boolean failed;

      @Override
      public void beforeStart(ClientCallStreamObserver<EchoRequest> requestStream) {
        call = requestStream;
      }

      @Override
      public void onNext(EchoResponse response) {
        if (failed) {
          return;
        }
        if (message.matches(response.getPayload())) {
          listener.onResponse();
        } else {
          failed = true;
          call.cancel("response did not verify", null);
          listener.onFailure(message.mismatch(response.getPayload().size()));
        }
      }

      @Override
      public void onError(Throwable t) {
        if (!failed) {
          failed = true;
          listener.onFailure(t);
        }
      }

      @Override
      public void onCompleted() {
        if (!failed) {
          listener.onCompleted();
        }
      }
    });
  }

  @Override
  public PingPong pingPong(Payload message, CallListener listener) {
    EchoRequest req = request(message);
    StreamObserver<EchoRequest> requests = stub.bidiStream(new StreamObserver<>() {
      private boolean failed;

      @Override
      public void onNext(EchoResponse response) {
        if (failed) {
          return;
        }
        if (message.matches(response.getPayload())) {
          listener.onResponse();
        } else {
          failed = true;
          listener.onFailure(message.mismatch(response.getPayload().size()));
        }
      }

      @Override
      public void onError(Throwable t) {
        if (!failed) {
          failed = true;
          listener.onFailure(t);
        }
      }

      @Override
      public void onCompleted() {}
    });
    return new PingPong() {
      @Override
      public void ping() {
        requests.onNext(req);
      }

      @Override
      public void finish() {
        requests.onCompleted();
      }
    };
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdown();
    server.shutdown();
    if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    Endpoints.deleteSocketFile(endpoint);
  }
}
