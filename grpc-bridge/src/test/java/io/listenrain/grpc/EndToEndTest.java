package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ConnectivityState;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.internal.GrpcUtil;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Real generated stubs over real ListenRain channels and grpc-java's channel and server, for each channel kind. */
class EndToEndTest {
  private static final Metadata.Key<String> ASCII_KEY = Metadata.Key.of("x-ascii", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<byte[]> BINARY_KEY = Metadata.Key.of("x-data-bin", Metadata.BINARY_BYTE_MARSHALLER);
  private static final Metadata.Key<String> TRAILER_KEY = Metadata.Key.of("x-trailer", Metadata.ASCII_STRING_MARSHALLER);

  private Server server;
  private ManagedChannel channel;
  private final AtomicReference<Metadata> serverSawHeaders = new AtomicReference<>();

  private void startServer(TransportKind kind, Object service, Consumer<ListenRainServerBuilder> config)
      throws Exception {
    ServerInterceptor capture = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        serverSawHeaders.set(headers);
        return next.startCall(call, headers);
      }
    };
    ListenRainServerBuilder b = ListenRainServerBuilder.forAddress(kind.bindAddress());
    if (service instanceof io.grpc.BindableService) {
      b.addService(ServerInterceptors.intercept((io.grpc.BindableService) service, capture));
    } else {
      b.addService(ServerInterceptors.intercept((io.grpc.ServerServiceDefinition) service, capture));
    }
    config.accept(b);
    server = b.build().start();
  }

  private EchoServiceGrpc.EchoServiceBlockingStub start(TransportKind kind) throws Exception {
    return start(kind, new EchoServiceImpl(), b -> {}, b -> {});
  }

  private EchoServiceGrpc.EchoServiceBlockingStub start(TransportKind kind, Object service,
      Consumer<ListenRainServerBuilder> serverConfig, Consumer<ListenRainChannelBuilder> channelConfig)
      throws Exception {
    startServer(kind, service, serverConfig);
    ListenRainChannelBuilder cb = ListenRainChannelBuilder.forSocketAddress(server.getListenSockets().get(0))
        .usePlaintext();
    channelConfig.accept(cb);
    channel = cb.build();
    return EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private static EchoRequest payload(String s) {
    return EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8(s)).build();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    TestShutdown.shutdownNow(channel, server);
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void unaryCallEchoesThePayload(TransportKind kind) throws Exception {
    EchoServiceGrpc.EchoServiceBlockingStub stub = start(kind);
    assertThat(stub.echo(payload("hello")).getPayload().toStringUtf8()).isEqualTo("hello");
    assertThat(stub.echo(payload("again")).getPayload().toStringUtf8()).isEqualTo("again");
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void serverStreamingDeliversEveryResponseInOrder(TransportKind kind) throws Exception {
    EchoServiceGrpc.EchoServiceBlockingStub stub = start(kind);
    Iterator<EchoResponse> it = stub.serverStream(EchoRequest.newBuilder().setResponseCount(500).build());
    int i = 0;
    while (it.hasNext()) {
      assertThat(it.next().getPayload().toStringUtf8()).isEqualTo(Integer.toString(i++));
    }
    assertThat(i).isEqualTo(500);
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void clientStreamingSeesEveryRequest(TransportKind kind) throws Exception {
    start(kind);
    CompletableFuture<EchoResponse> result = new CompletableFuture<>();
    StreamObserver<EchoRequest> req = EchoServiceGrpc.newStub(channel).clientStream(observer(result));
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      req.onNext(payload(i + ","));
      expected.append(i).append(',');
    }
    req.onCompleted();
    assertThat(result.get(20, TimeUnit.SECONDS).getPayload().toStringUtf8()).isEqualTo(expected.toString());
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void bidiStreamingEchoesEachRequest(TransportKind kind) throws Exception {
    start(kind);
    List<String> got = new ArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<EchoRequest> req = EchoServiceGrpc.newStub(channel).bidiStream(new StreamObserver<>() {
      @Override
      public void onNext(EchoResponse value) {
        synchronized (got) {
          got.add(value.getPayload().toStringUtf8());
        }
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        done.complete(null);
      }
    });
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      sent.add("m" + i);
      req.onNext(payload("m" + i));
    }
    req.onCompleted();
    done.get(20, TimeUnit.SECONDS);
    assertThat(got).containsExactlyElementsOf(sent);
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void metadataTravelsBothWaysWithDuplicatesAndBinaryValues(TransportKind kind) throws Exception {
    byte[] binary = {0, 1, (byte) 0xff, ',', 'a'};
    byte[] binary2 = "ä,ö".getBytes(StandardCharsets.UTF_8);
    EchoServiceGrpc.EchoServiceImplBase service = new EchoServiceGrpc.EchoServiceImplBase() {
      @Override
      public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
        out.onNext(EchoResponse.getDefaultInstance());
        out.onCompleted();
      }
    };
    ServerInterceptor reflect = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        return next.startCall(new io.grpc.ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void sendHeaders(Metadata responseHeaders) {
            for (String v : headers.getAll(ASCII_KEY)) {
              responseHeaders.put(ASCII_KEY, v);
            }
            super.sendHeaders(responseHeaders);
          }

          @Override
          public void close(Status status, Metadata trailers) {
            for (byte[] v : headers.getAll(BINARY_KEY)) {
              trailers.put(BINARY_KEY, v);
            }
            super.close(status, trailers);
          }
        }, headers);
      }
    };
    EchoServiceGrpc.EchoServiceBlockingStub stub = start(kind, ServerInterceptors.intercept(service, reflect),
        b -> {}, b -> {});
    Metadata extra = new Metadata();
    extra.put(ASCII_KEY, "one");
    extra.put(ASCII_KEY, "two");
    extra.put(BINARY_KEY, binary);
    extra.put(BINARY_KEY, binary2);
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(extra),
        MetadataUtils.newCaptureMetadataInterceptor(headers, trailers)).echo(payload("x"));
    assertThat(serverSawHeaders.get().getAll(ASCII_KEY)).containsExactly("one", "two");
    assertThat(serverSawHeaders.get().getAll(BINARY_KEY)).containsExactly(binary, binary2);
    assertThat(headers.get().getAll(ASCII_KEY)).containsExactly("one", "two");
    assertThat(trailers.get().getAll(BINARY_KEY)).containsExactly(binary, binary2);
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void statusDescriptionAndTrailersReachTheClient(TransportKind kind) throws Exception {
    EchoServiceGrpc.EchoServiceImplBase service = new EchoServiceGrpc.EchoServiceImplBase() {
      @Override
      public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
        Metadata t = new Metadata();
        t.put(TRAILER_KEY, "why");
        out.onError(Status.INVALID_ARGUMENT.withDescription("bad input: ä\n100%").asRuntimeException(t));
      }
    };
    EchoServiceGrpc.EchoServiceBlockingStub stub = start(kind, service, b -> {}, b -> {});
    assertThatThrownBy(() -> stub.echo(payload("x")))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).isEqualTo("bad input: ä\n100%");
          assertThat(e.getStatus().getCause()).isNull();
          assertThat(e.getTrailers().get(TRAILER_KEY)).isEqualTo("why");
        });
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void deadlineReachesTheServerAndExpiresAsDeadlineExceeded(TransportKind kind) throws Exception {
    AtomicReference<Deadline> serverDeadline = new AtomicReference<>();
    CountDownLatch serverCancelled = new CountDownLatch(1);
    EchoServiceGrpc.EchoServiceImplBase service = new EchoServiceGrpc.EchoServiceImplBase() {
      @Override
      public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
        serverDeadline.set(Context.current().getDeadline());
        Context.current().addListener(c -> serverCancelled.countDown(), Runnable::run);
        // never answers
      }
    };
    EchoServiceGrpc.EchoServiceBlockingStub stub = start(kind, service, b -> {}, b -> {});
    assertThatThrownBy(() -> stub.withDeadlineAfter(300, TimeUnit.MILLISECONDS).echo(payload("x")))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(serverSawHeaders.get().get(GrpcUtil.TIMEOUT_KEY)).isNotNull().isPositive()
        .isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
    assertThat(serverDeadline.get()).isNotNull();
    assertThat(serverCancelled.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void clientCancellationReachesTheServer(TransportKind kind) throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Status> serverSaw = new CompletableFuture<>();
    EchoServiceGrpc.EchoServiceImplBase service = new EchoServiceGrpc.EchoServiceImplBase() {
      @Override
      public StreamObserver<EchoRequest> bidiStream(StreamObserver<EchoResponse> out) {
        ((ServerCallStreamObserver<EchoResponse>) out).setOnCancelHandler(
            () -> serverSaw.complete(Status.CANCELLED));
        started.countDown();
        return new StreamObserver<>() {
          @Override
          public void onNext(EchoRequest value) {}

          @Override
          public void onError(Throwable t) {
            serverSaw.complete(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {}
        };
      }
    };
    start(kind, service, b -> {}, b -> {});
    CompletableFuture<EchoResponse> clientSide = new CompletableFuture<>();
    ClientCallStreamObserver<EchoRequest> req = (ClientCallStreamObserver<EchoRequest>)
        EchoServiceGrpc.newStub(channel).bidiStream(observer(clientSide));
    req.onNext(payload("x"));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    req.cancel("user gave up", null);
    assertThat(serverSaw.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThatThrownBy(() -> clientSide.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StatusRuntimeException.class);
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void gzipCompressionWorksBothWays(TransportKind kind) throws Exception {
    EchoServiceGrpc.EchoServiceImplBase service = new EchoServiceGrpc.EchoServiceImplBase() {
      @Override
      public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
        ((ServerCallStreamObserver<EchoResponse>) out).setCompression("gzip");
        out.onNext(EchoServiceImpl.respond(request));
        out.onCompleted();
      }
    };
    EchoServiceGrpc.EchoServiceBlockingStub stub = start(kind, service, b -> {}, b -> {});
    AtomicReference<Metadata> headers = new AtomicReference<>();
    String text = "compress me ".repeat(1000);
    EchoResponse r = stub.withCompression("gzip")
        .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, new AtomicReference<>()))
        .echo(payload(text));
    assertThat(r.getPayload().toStringUtf8()).isEqualTo(text);
    assertThat(serverSawHeaders.get().get(GrpcUtil.MESSAGE_ENCODING_KEY)).isEqualTo("gzip");
    assertThat(headers.get().get(GrpcUtil.MESSAGE_ENCODING_KEY)).isEqualTo("gzip");
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void maxInboundMessageSizeIsExactAndTheConnectionSurvives(TransportKind kind) throws Exception {
    int limit = 4096;
    EchoServiceGrpc.EchoServiceBlockingStub stub = start(kind, new EchoServiceImpl(),
        b -> b.maxInboundMessageSize(limit), b -> {});
    EchoRequest exact = sized(limit);
    EchoRequest tooBig = sized(limit + 1);
    assertThat(exact.getSerializedSize()).isEqualTo(limit);
    assertThat(tooBig.getSerializedSize()).isEqualTo(limit + 1);
    assertThat(stub.echo(exact).getPayload().size()).isEqualTo(exact.getPayload().size());
    assertThatThrownBy(() -> stub.echo(tooBig)).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    assertThat(stub.echo(exact).getPayload().size()).isEqualTo(exact.getPayload().size());
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void clientEnforcesItsMaxInboundMessageSize(TransportKind kind) throws Exception {
    EchoServiceGrpc.EchoServiceBlockingStub stub = start(kind, new EchoServiceImpl(), b -> {},
        b -> b.maxInboundMessageSize(1000));
    assertThatThrownBy(() -> stub.echo(EchoRequest.newBuilder().setResponseSize(5000).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    assertThat(stub.echo(payload("ok")).getPayload().toStringUtf8()).isEqualTo("ok");
  }

  /** A request whose serialized size is exactly {@code size} bytes. */
  private static EchoRequest sized(int size) {
    for (int p = size; p >= 0; p--) {
      EchoRequest r = EchoRequest.newBuilder().setPayload(ByteString.copyFrom(new byte[p])).build();
      if (r.getSerializedSize() == size) {
        return r;
      }
    }
    throw new AssertionError("no payload size gives " + size);
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void oversizedRequestMetadataIsRefusedAndTheConnectionSurvives(TransportKind kind) throws Exception {
    EchoServiceGrpc.EchoServiceBlockingStub stub = start(kind, new EchoServiceImpl(),
        b -> b.maxInboundMetadataSize(1024), b -> {});
    Metadata big = new Metadata();
    big.put(ASCII_KEY, "x".repeat(2000));
    assertThatThrownBy(() -> stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(big))
        .echo(payload("x"))).isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    assertThat(stub.echo(payload("ok")).getPayload().toStringUtf8()).isEqualTo("ok");
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void oversizedResponseTrailersFailTheCallOnTheClient(TransportKind kind) throws Exception {
    EchoServiceGrpc.EchoServiceImplBase service = new EchoServiceGrpc.EchoServiceImplBase() {
      @Override
      public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
        Metadata t = new Metadata();
        t.put(TRAILER_KEY, "y".repeat(3000));
        out.onError(Status.ABORTED.asRuntimeException(t));
      }
    };
    EchoServiceGrpc.EchoServiceBlockingStub stub = start(kind, service, b -> {},
        b -> b.maxInboundMetadataSize(1024));
    assertThatThrownBy(() -> stub.echo(payload("x"))).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(e.getTrailers().get(TRAILER_KEY)).isNull();
        });
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void oversizedResponseHeadersFailTheCallOnTheClientAndTheConnectionServesOn(TransportKind kind) throws Exception {
    io.grpc.ServerServiceDefinition bigHeaders = ServerInterceptors.intercept(new EchoServiceImpl(),
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
              ServerCallHandler<Q, R> next) {
            return next.startCall(new io.grpc.ForwardingServerCall.SimpleForwardingServerCall<>(call) {
              @Override
              public void sendHeaders(Metadata responseHeaders) {
                if (headers.containsKey(ASCII_KEY)) { // only the call that asks for it
                  responseHeaders.put(TRAILER_KEY, "h".repeat(3000));
                }
                super.sendHeaders(responseHeaders);
              }
            }, headers);
          }
        });
    EchoServiceGrpc.EchoServiceBlockingStub stub = start(kind, bigHeaders, b -> {},
        b -> b.maxInboundMetadataSize(1024));
    Metadata ask = new Metadata();
    ask.put(ASCII_KEY, "big headers please");
    assertThatThrownBy(() -> stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(ask))
        .echo(payload("x"))).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(e.getStatus().getDescription()).contains("Response header metadata size exceeded");
        });
    assertThat(stub.echo(payload("ok")).getPayload().toStringUtf8()).isEqualTo("ok");
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void nonReadingServerPushesBackAndRequestDeliversExactly(TransportKind kind) throws Exception {
    AtomicReference<ServerCallStreamObserver<EchoResponse>> serverCall = new AtomicReference<>();
    AtomicInteger received = new AtomicInteger();
    CountDownLatch started = new CountDownLatch(1);
    EchoServiceGrpc.EchoServiceImplBase service = new EchoServiceImpl() {
      @Override
      public StreamObserver<EchoRequest> bidiStream(StreamObserver<EchoResponse> out) {
        ServerCallStreamObserver<EchoResponse> call = (ServerCallStreamObserver<EchoResponse>) out;
        call.disableAutoRequest();
        serverCall.set(call);
        started.countDown();
        return new StreamObserver<>() {
          @Override
          public void onNext(EchoRequest value) {
            received.incrementAndGet();
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {
            out.onCompleted();
          }
        };
      }
    };
    start(kind, service, b -> b.flowControlWindow(64 * 1024), b -> {});
    CompletableFuture<EchoResponse> done = new CompletableFuture<>();
    AtomicReference<ClientCallStreamObserver<EchoRequest>> clientCall = new AtomicReference<>();
    ClientResponseObserver<EchoRequest, EchoResponse> responses = new ClientResponseObserver<>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<EchoRequest> requestStream) {
        clientCall.set(requestStream);
      }

      @Override
      public void onNext(EchoResponse value) {}

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        done.complete(null);
      }
    };
    EchoServiceGrpc.newStub(channel).bidiStream(responses);
    ClientCallStreamObserver<EchoRequest> req = clientCall.get();
    req.onNext(payload("first"));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    EchoRequest kib = EchoRequest.newBuilder().setPayload(ByteString.copyFrom(new byte[1024])).build();
    int[] sent = {1};
    // Keep writing while the transport says it is ready; a receiver without flow control would never push back.
    await().atMost(20, TimeUnit.SECONDS).until(() -> {
      while (req.isReady() && sent[0] < 10_240) {
        req.onNext(kib);
        sent[0]++;
      }
      return !req.isReady();
    });
    assertThat(sent[0]).isLessThan(10_240);
    assertThat(received.get()).isZero();
    serverCall.get().request(5);
    await().atMost(10, TimeUnit.SECONDS).until(() -> received.get() == 5);
    // A full round trip on another call acts as a barrier: nothing beyond the five requested arrived meanwhile.
    EchoServiceGrpc.newBlockingStub(channel).echo(payload("barrier"));
    assertThat(received.get()).isEqualTo(5);
    serverCall.get().request(Integer.MAX_VALUE);
    req.onCompleted();
    done.get(20, TimeUnit.SECONDS);
    assertThat(received.get()).isEqualTo(sent[0]);
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void sixteenMebibyteMessageTravelsAlongsideSmallCalls(TransportKind kind) throws Exception {
    int big = 16 * 1024 * 1024;
    EchoServiceGrpc.EchoServiceBlockingStub stub = start(kind, new EchoServiceImpl(),
        b -> b.maxInboundMessageSize(32 * 1024 * 1024), b -> b.maxInboundMessageSize(32 * 1024 * 1024));
    byte[] data = new byte[big];
    for (int i = 0; i < data.length; i += 4099) {
      data[i] = (byte) i;
    }
    CompletableFuture<EchoResponse> large = new CompletableFuture<>();
    EchoServiceGrpc.newStub(channel).echo(EchoRequest.newBuilder().setPayload(ByteString.copyFrom(data)).build(),
        observer(large));
    for (int i = 0; i < 20; i++) {
      assertThat(stub.echo(payload("small" + i)).getPayload().toStringUtf8()).isEqualTo("small" + i);
    }
    assertThat(large.get(60, TimeUnit.SECONDS).getPayload().toByteArray()).isEqualTo(data);
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void gracefulShutdownFinishesInFlightCallsAndRefusesNewOnes(TransportKind kind) throws Exception {
    start(kind);
    List<String> got = new ArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<EchoRequest> req = EchoServiceGrpc.newStub(channel).bidiStream(new StreamObserver<>() {
      @Override
      public void onNext(EchoResponse value) {
        synchronized (got) {
          got.add(value.getPayload().toStringUtf8());
        }
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        done.complete(null);
      }
    });
    req.onNext(payload("before"));
    await().atMost(10, TimeUnit.SECONDS).until(() -> {
      synchronized (got) {
        return got.size() == 1;
      }
    });
    server.shutdown();
    // Two-step drain: a call that races the first GOAWAY would still be served here; once the client has read it,
    // the channel stops using the connection and, with no other server, a new call fails UNAVAILABLE.
    await().atMost(10, TimeUnit.SECONDS).until(() -> channel.getState(false) != io.grpc.ConnectivityState.READY);
    assertThatThrownBy(() -> EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(payload("new"))).isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    req.onNext(payload("after"));
    req.onCompleted();
    done.get(10, TimeUnit.SECONDS);
    assertThat(got).containsExactly("before", "after");
    assertThat(server.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void shutdownNowFailsInFlightCalls(TransportKind kind) throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    EchoServiceGrpc.EchoServiceImplBase service = new EchoServiceGrpc.EchoServiceImplBase() {
      @Override
      public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
        started.countDown();
      }
    };
    start(kind, service, b -> {}, b -> {});
    CompletableFuture<EchoResponse> call = new CompletableFuture<>();
    EchoServiceGrpc.newStub(channel).echo(payload("x"), observer(call));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    server.shutdownNow();
    assertThat(server.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StatusRuntimeException.class);
    assertThat(Status.fromThrowable(catchCause(call)).getCode()).isIn(Status.Code.UNAVAILABLE, Status.Code.CANCELLED);
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void keepAlivePingsReachTheServerWhichEnforcesItsPolicy(TransportKind kind) throws Exception {
    // The server allows no pings without calls; a client pinging every 50 ms gets GOAWAY "too_many_pings".
    start(kind, new EchoServiceImpl(), b -> {}, b -> {
      b.keepAliveWithoutCalls(true);
      b.config().keepAliveTimeNanos = TimeUnit.MILLISECONDS.toNanos(50);
    });
    assertThat(EchoServiceGrpc.newBlockingStub(channel).echo(payload("x")).getPayload().toStringUtf8())
        .isEqualTo("x");
    CountDownLatch left = new CountDownLatch(1);
    watch(ConnectivityState.READY, left);
    assertThat(left.await(20, TimeUnit.SECONDS)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void permittedKeepAlivePingsKeepTheConnection(TransportKind kind) throws Exception {
    start(kind, new EchoServiceImpl(), b -> b.permitKeepAliveWithoutCalls(true).permitKeepAliveTime(0,
        TimeUnit.SECONDS), b -> {
          b.keepAliveWithoutCalls(true);
          b.config().keepAliveTimeNanos = TimeUnit.MILLISECONDS.toNanos(20);
          b.config().keepAliveTimeoutNanos = TimeUnit.SECONDS.toNanos(5);
        });
    for (int i = 0; i < 5; i++) {
      assertThat(EchoServiceGrpc.newBlockingStub(channel).echo(payload("x" + i)).getPayload().toStringUtf8())
          .isEqualTo("x" + i);
    }
    assertThat(channel.getState(false)).isEqualTo(ConnectivityState.READY);
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void maxConnectionIdleSendsTheClientAwayAndTheNextCallReconnects(TransportKind kind) throws Exception {
    EchoServiceGrpc.EchoServiceBlockingStub stub = start(kind, new EchoServiceImpl(),
        b -> b.config().maxConnectionIdleNanos = TimeUnit.MILLISECONDS.toNanos(100), b -> {});
    assertThat(stub.echo(payload("one")).getPayload().toStringUtf8()).isEqualTo("one");
    CountDownLatch left = new CountDownLatch(1);
    watch(ConnectivityState.READY, left);
    assertThat(left.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(stub.echo(payload("two")).getPayload().toStringUtf8()).isEqualTo("two");
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void maxConnectionAgeEndsTheConnectionWithoutFailingCalls(TransportKind kind) throws Exception {
    EchoServiceGrpc.EchoServiceBlockingStub stub = start(kind, new EchoServiceImpl(), b -> {
      b.config().maxConnectionAgeNanos = TimeUnit.MILLISECONDS.toNanos(200);
      b.config().maxConnectionAgeGraceNanos = TimeUnit.SECONDS.toNanos(5);
    }, b -> {});
    assertThat(stub.echo(payload("one")).getPayload().toStringUtf8()).isEqualTo("one");
    CountDownLatch left = new CountDownLatch(1);
    watch(ConnectivityState.READY, left);
    assertThat(left.await(20, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 5; i++) {
      assertThat(stub.echo(payload("again" + i)).getPayload().toStringUtf8()).isEqualTo("again" + i);
    }
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void manyConcurrentCallsFromManyThreadsAllComplete(TransportKind kind) throws Exception {
    start(kind);
    int threads = 4;
    int perThread = 100;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          EchoServiceGrpc.EchoServiceFutureStub stub = EchoServiceGrpc.newFutureStub(channel);
          List<com.google.common.util.concurrent.ListenableFuture<EchoResponse>> calls = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            int size = (i % 10) * 10_000;
            calls.add(stub.withDeadlineAfter(30, TimeUnit.SECONDS).echo(EchoRequest.newBuilder()
                .setPayload(ByteString.copyFromUtf8(thread + ":" + i)).setResponseSize(size).build()));
          }
          int ok = 0;
          for (int i = 0; i < perThread; i++) {
            EchoResponse r = calls.get(i).get(30, TimeUnit.SECONDS);
            int size = (i % 10) * 10_000;
            if (size == 0 ? r.getPayload().toStringUtf8().equals(thread + ":" + i) : r.getPayload().size() == size) {
              ok++;
            }
          }
          return ok;
        }));
      }
      for (java.util.concurrent.Future<Integer> f : results) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(perThread);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private void watch(ConnectivityState from, CountDownLatch changed) {
    channel.notifyWhenStateChanged(from, () -> {
      ConnectivityState now = channel.getState(false);
      if (now == from) {
        watch(from, changed);
      } else {
        changed.countDown();
      }
    });
  }

  @Test
  void grpcNewChannelBuilderResolvesListenRainTargets() throws Exception {
    startServer(TransportKind.TCP, new EchoServiceImpl(), b -> {});
    int port = ((java.net.InetSocketAddress) server.getListenSockets().get(0)).getPort();
    channel = Grpc.newChannelBuilder("listenrain://127.0.0.1:" + port, InsecureChannelCredentials.create()).build();
    assertThat(EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(payload("via resolver")).getPayload().toStringUtf8()).isEqualTo("via resolver");
  }

  @Test
  void dnsStyleTargetsWithAnEmptyAuthorityResolveToo() throws Exception {
    startServer(TransportKind.TCP, new EchoServiceImpl(), b -> {});
    int port = ((java.net.InetSocketAddress) server.getListenSockets().get(0)).getPort();
    channel = Grpc.newChannelBuilder("listenrain:///127.0.0.1:" + port, InsecureChannelCredentials.create())
        .build();
    assertThat(channel.authority()).isEqualTo("127.0.0.1:" + port);
    assertThat(EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(payload("triple slash")).getPayload().toStringUtf8()).isEqualTo("triple slash");
  }

  @Test
  void severalListenRainAddressesAreBalancedRoundRobin() throws Exception {
    AtomicInteger firstCalls = new AtomicInteger();
    AtomicInteger secondCalls = new AtomicInteger();
    Server second = ListenRainServerBuilder.forAddress(new java.net.InetSocketAddress("127.0.0.1", 0))
        .addService(counting(secondCalls)).build().start();
    try {
      startServer(TransportKind.TCP, counting(firstCalls), b -> {});
      int p1 = ((java.net.InetSocketAddress) server.getListenSockets().get(0)).getPort();
      int p2 = ((java.net.InetSocketAddress) second.getListenSockets().get(0)).getPort();
      channel = Grpc.newChannelBuilder("listenrain://127.0.0.1:" + p1 + ",127.0.0.1:" + p2,
          InsecureChannelCredentials.create()).build();
      // Wait until both subchannels are up, then round_robin alternates strictly.
      await().atMost(10, TimeUnit.SECONDS).until(() -> {
        EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).echo(payload("x"));
        return firstCalls.get() > 0 && secondCalls.get() > 0;
      });
      int before1 = firstCalls.get();
      int before2 = secondCalls.get();
      for (int i = 0; i < 10; i++) {
        EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).echo(payload("x"));
      }
      assertThat(firstCalls.get() - before1).isEqualTo(5);
      assertThat(secondCalls.get() - before2).isEqualTo(5);
    } finally {
      second.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static EchoServiceImpl counting(AtomicInteger calls) {
    return new EchoServiceImpl() {
      @Override
      public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
        calls.incrementAndGet();
        super.echo(request, out);
      }
    };
  }

  private static Throwable catchCause(CompletableFuture<?> f) {
    try {
      f.get(1, TimeUnit.SECONDS);
      return null;
    } catch (Exception e) {
      return e.getCause();
    }
  }

  private static <T> StreamObserver<T> observer(CompletableFuture<T> result) {
    return new StreamObserver<>() {
      private T last;

      @Override
      public void onNext(T value) {
        last = value;
      }

      @Override
      public void onError(Throwable t) {
        result.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        result.complete(last);
      }
    };
  }
}
