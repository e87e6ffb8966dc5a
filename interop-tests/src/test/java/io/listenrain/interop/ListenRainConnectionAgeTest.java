package io.listenrain.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.grpc.ListenRainServerBuilder;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A server with a maximum connection age sends GOAWAY under steady traffic: calls racing with it (started on the old
 * connection after the server stopped accepting, or in flight) must never fail; the client moves to a new connection.
 * This is the GOAWAY path of real deployments, which the interop suite only touches from the client side.
 */
class ListenRainConnectionAgeTest {
  private Server server;
  private ManagedChannel channel;
  private ExecutorService clients;

  @AfterEach
  void tearDown() throws InterruptedException {
    if (clients != null) {
      clients.shutdownNow();
    }
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void callsRacingWithMaxConnectionAgeGoAwayNeverFail() throws Exception {
    Set<SocketAddress> clientConnections = ConcurrentHashMap.newKeySet();
    server = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .maxConnectionAge(1, TimeUnit.SECONDS)
        .maxConnectionAgeGrace(30, TimeUnit.SECONDS)
        .addService(ServerInterceptors.intercept(new Echo(), new ServerInterceptor() {
          @Override
          public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call,
              Metadata headers, ServerCallHandler<ReqT, RespT> next) {
            clientConnections.add(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
            return next.startCall(call, headers);
          }
        }))
        .build().start();
    channel = ListenRainChannelBuilder.forSocketAddress(server.getListenSockets().get(0)).build();
    EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(channel);

    clients = Executors.newFixedThreadPool(4);
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2600);
    AtomicInteger calls = new AtomicInteger();
    List<Future<List<StatusRuntimeException>>> results = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      results.add(clients.submit(() -> {
        List<StatusRuntimeException> failures = new ArrayList<>();
        EchoRequest request = EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8("age")).build();
        while (System.nanoTime() < end) {
          try {
            stub.withDeadlineAfter(10, TimeUnit.SECONDS).echo(request);
            calls.incrementAndGet();
          } catch (StatusRuntimeException e) {
            failures.add(e);
          }
        }
        return failures;
      }));
    }
    List<StatusRuntimeException> failures = new ArrayList<>();
    for (Future<List<StatusRuntimeException>> f : results) {
      failures.addAll(f.get(30, TimeUnit.SECONDS));
    }

    assertThat(failures).as("calls failed while the server rotated connections").isEmpty();
    assertThat(calls.get()).isPositive();
    assertThat(clientConnections).as("connections the server saw").hasSizeGreaterThanOrEqualTo(2);
  }

  /** Unary echo. */
  private static final class Echo extends EchoServiceGrpc.EchoServiceImplBase {
    @Override
    public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
      out.onNext(EchoResponse.newBuilder().setPayload(request.getPayload()).build());
      out.onCompleted();
    }
  }
}
