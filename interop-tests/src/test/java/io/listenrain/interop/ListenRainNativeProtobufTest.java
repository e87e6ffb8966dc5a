package io.listenrain.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.grpc.ManagedChannel;
import io.listenrain.channel.InProcessAddress;
import io.listenrain.codec.Envelope;
import io.listenrain.codec.ProtobufMessageCodec;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.config.TransportKey;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.grpc.ListenRainServerBuilder;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import io.listenrain.protocol.Protocol;
import io.listenrain.protocol.ProtocolRegisterTable;
import io.listenrain.server.Server;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The messages of the gRPC EchoService (listenrain-proto's EchoRequest / EchoResponse, generated from the same .proto
 * files) carried over the NATIVE ListenRain API instead: a {@link ProtocolRegisterTable} protocol whose message codec
 * is {@link ProtobufMessageCodec}, calls multiplexed by msgID on one connection. Each side's codec parses what that
 * side receives (the client EchoResponse, the server EchoRequest) and encodes any protobuf message. The tests check
 * that the native path and the gRPC bridge give the same answers for the same requests, on separate addresses and on
 * one address that both protocols share.
 */
class ListenRainNativeProtobufTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  private final ProtocolRegisterTable serverTable = new ProtocolRegisterTable();
  private final ProtocolRegisterTable clientTable = new ProtocolRegisterTable();
  private io.grpc.Server grpcServer;
  private ManagedChannel grpcChannel;

  @AfterEach
  void tearDown() throws InterruptedException {
    clientTable.close();
    serverTable.close();
    if (grpcChannel != null) {
      grpcChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (grpcServer != null) {
      grpcServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Decodes {@code T}; encodes any protobuf message, whatever its type. */
  @SuppressWarnings("unchecked") // a Parser<T> only produces Ts, which are MessageLites: reading it as one is safe
  private static <T extends MessageLite> ProtobufMessageCodec<MessageLite> codecReceiving(Parser<T> parser) {
    return ProtobufMessageCodec.of((Parser<MessageLite>) (Parser<?>) parser);
  }

  /** The server's answer to a request, shared by the native router and the gRPC service so both can be compared. */
  static EchoResponse answer(EchoRequest request) {
    ByteString payload = request.getResponseSize() == 0 ? request.getPayload()
        : ByteString.copyFrom(new byte[request.getResponseSize()]);
    return EchoResponse.newBuilder().setPayload(payload).build();
  }

  private SocketAddress bindAddress(String kind, String name) {
    switch (kind) {
      case "tcp":
        return new InetSocketAddress("127.0.0.1", 0);
      case "unix":
        return UnixDomainSocketAddress.of(dir.resolve(name + ".sock"));
      default:
        return new InProcessAddress(name + "-" + System.nanoTime());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "unix", "pipe"})
  void echoMessagesTravelOverTheNativeProtocolAndMatchTheGrpcAnswers(String kind) throws Exception {
    Protocol<Envelope<MessageLite>> serverEcho = serverTable.register(
        ProtocolSpec.builder("echo", codecReceiving(EchoRequest.parser())).build());
    Server server = serverEcho.listen(bindAddress(kind, "native"),
        (response, msgId, message) -> response.send(Envelope.of(msgId, answer((EchoRequest) message.body()))));
    Protocol<Envelope<MessageLite>> clientEcho = clientTable.register(
        ProtocolSpec.builder("echo", codecReceiving(EchoResponse.parser())).defaultTimeout(TIMEOUT).build());
    TransportKey key = clientEcho.key(server.localAddress());

    // Many calls in flight at once on one connection, told apart only by msgID; payloads up to 1 MiB.
    Random random = new Random(7);
    List<EchoRequest> requests = new ArrayList<>();
    List<CompletableFuture<Envelope<MessageLite>>> replies = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      byte[] b = new byte[random.nextInt(i % 8 == 0 ? 1 << 20 : 4096)];
      random.nextBytes(b);
      EchoRequest request = EchoRequest.newBuilder().setPayload(ByteString.copyFrom(b))
          .setResponseSize(i % 5 == 0 ? 1000 + i : 0).build();
      requests.add(request);
      replies.add(clientEcho.send(key, Envelope.of(1000 + i, request)));
    }
    for (int i = 0; i < requests.size(); i++) {
      Envelope<MessageLite> reply = replies.get(i).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertThat(reply.msgId()).isEqualTo(1000 + i);
      assertThat(reply.body()).isInstanceOf(EchoResponse.class).isEqualTo(answer(requests.get(i)));
    }
    Envelope<MessageLite> sync = clientEcho.syncSend(key, Envelope.of(1, requests.get(3)), TIMEOUT);
    assertThat(sync.body()).isEqualTo(answer(requests.get(3)));

    // The same requests through the gRPC bridge, on the same kind of channel, get the same answers.
    grpcServer = ListenRainServerBuilder.forAddress(bindAddress(kind, "grpc"))
        .addService(new EchoServiceGrpc.EchoServiceImplBase() {
          @Override
          public void echo(EchoRequest request, io.grpc.stub.StreamObserver<EchoResponse> out) {
            out.onNext(answer(request));
            out.onCompleted();
          }
        })
        .build().start();
    grpcChannel = ListenRainChannelBuilder.forSocketAddress(grpcServer.getListenSockets().get(0)).build();
    EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(grpcChannel)
        .withDeadlineAfter(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    for (int i = 0; i < requests.size(); i += 7) {
      EchoResponse viaGrpc = stub.echo(requests.get(i));
      assertThat(viaGrpc).isEqualTo(replies.get(i).get().body());
    }
  }

  /**
   * One ListenRain server address, two protocols: the gRPC EchoService and the native echo protocol (its
   * {@link Protocol#serverProtocol} added to the gRPC server builder), told apart by their first bytes. A gRPC
   * channel and a native client call the same address at the same time and get the same answers.
   */
  @ParameterizedTest
  @ValueSource(strings = {"tcp", "unix", "pipe"})
  void grpcAndNativeEchoShareOneAddress(String kind) throws Exception {
    Protocol<Envelope<MessageLite>> serverEcho = serverTable.register(
        ProtocolSpec.builder("echo", codecReceiving(EchoRequest.parser())).build());
    grpcServer = ListenRainServerBuilder.forAddress(bindAddress(kind, "shared"))
        .addService(new EchoServiceGrpc.EchoServiceImplBase() {
          @Override
          public void echo(EchoRequest request, io.grpc.stub.StreamObserver<EchoResponse> out) {
            out.onNext(answer(request));
            out.onCompleted();
          }
        })
        .addNativeProtocol(serverEcho.serverProtocol(
            (response, msgId, message) -> response.send(Envelope.of(msgId, answer((EchoRequest) message.body())))))
        .build().start();
    SocketAddress shared = grpcServer.getListenSockets().get(0);
    grpcChannel = ListenRainChannelBuilder.forSocketAddress(shared).build();
    EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(grpcChannel)
        .withDeadlineAfter(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    Protocol<Envelope<MessageLite>> clientEcho = clientTable.register(
        ProtocolSpec.builder("echo", codecReceiving(EchoResponse.parser())).defaultTimeout(TIMEOUT).build());
    TransportKey key = clientEcho.key(shared);

    Random random = new Random(11);
    List<CompletableFuture<Envelope<MessageLite>>> nativeReplies = new ArrayList<>();
    List<EchoRequest> requests = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      byte[] b = new byte[random.nextInt(100_000)];
      random.nextBytes(b);
      EchoRequest request = EchoRequest.newBuilder().setPayload(ByteString.copyFrom(b)).build();
      requests.add(request);
      nativeReplies.add(clientEcho.send(key, Envelope.of(i, request)));
    }
    for (int i = 0; i < requests.size(); i++) {
      EchoResponse viaGrpc = stub.echo(requests.get(i));
      Envelope<MessageLite> viaNative = nativeReplies.get(i).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertThat(viaGrpc).isEqualTo(answer(requests.get(i)));
      assertThat(viaNative.msgId()).isEqualTo(i);
      assertThat(viaNative.body()).isEqualTo(viaGrpc);
    }
  }
}
