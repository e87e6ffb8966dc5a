package com.example.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.example.consumer.ping.PingReply;
import com.example.consumer.ping.PingRequest;
import com.example.consumer.ping.PingerGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.listenrain.codec.BytesMessage;
import io.listenrain.codec.RawBytesMessageCodec;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.grpc.ListenRainServerBuilder;
import io.listenrain.protocol.Protocol;
import io.listenrain.protocol.ProtocolRegisterTable;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What a user does first: a generated-stub gRPC call and a native call, each over ListenRain on loopback. */
class ConsumerTest {

  @Test
  void generatedStubsCallAServiceOverListenRain() throws Exception {
    Server server = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new PingerGrpc.PingerImplBase() {
          @Override
          public void ping(PingRequest request, StreamObserver<PingReply> replies) {
            replies.onNext(PingReply.newBuilder().setText("pong: " + request.getText()).build());
            replies.onCompleted();
          }
        })
        .build()
        .start();
    ManagedChannel channel = ListenRainChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    try {
      PingReply reply = PingerGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .ping(PingRequest.newBuilder().setText("consumer").build());
      assertEquals("pong: consumer", reply.getText());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aNativeProtocolAnswersOverListenRain() throws Exception {
    try (ProtocolRegisterTable table = new ProtocolRegisterTable()) {
      Protocol<BytesMessage> echo =
          table.register(ProtocolSpec.builder("echo", RawBytesMessageCodec.instance()).build());
      io.listenrain.server.Server server = echo.listen(new InetSocketAddress("127.0.0.1", 0),
          (response, msgId, request) -> response.send(request));
      BytesMessage reply = echo.syncSend(echo.key(server.localAddress()),
          new BytesMessage(1, Unpooled.copiedBuffer("native", StandardCharsets.UTF_8)), Duration.ofSeconds(10));
      try {
        assertEquals("native", reply.payload().toString(StandardCharsets.UTF_8));
      } finally {
        reply.release();
      }
      echo.close();
    }
  }
}
