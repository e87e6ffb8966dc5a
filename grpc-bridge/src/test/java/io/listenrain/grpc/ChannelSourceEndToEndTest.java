package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelClosedException;
import io.listenrain.channel.ChannelGenerator;
import io.listenrain.channel.Channels;
import io.listenrain.channel.ConnectException;
import io.listenrain.codec.FrameTooLargeException;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * gRPC over channels the application provides: a {@link ChannelGenerator} on the client, {@link ServedChannels} on the
 * server, here a pair of real OS pipes ({@link Pipe}) adapted by {@link Channels#fromStreams} for each connection.
 */
class ChannelSourceEndToEndTest {
  private Server server;
  private ManagedChannel channel;
  private final ServedChannels served = ServedChannels.create();
  private final List<Channel> clientEnds = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws Exception {
    TestShutdown.shutdownNow(channel, server);
  }

  /** Each connect opens two OS pipes, serves one end of both and returns the other. */
  private final class PipeGenerator implements ChannelGenerator {
    final AtomicInteger connects = new AtomicInteger();

    @Override
    public CompletableFuture<Channel> connect() {
      connects.incrementAndGet();
      CompletableFuture<Channel> c = ServedPipes.connect(served);
      c.thenAccept(clientEnds::add);
      return c;
    }

    @Override
    public void close() {}
  }

  private void start(ChannelGenerator generator) throws IOException {
    server = ListenRainServerBuilder.forChannels(served).addService(new EchoServiceImpl()).build().start();
    channel = ListenRainChannelBuilder.forChannelGenerator(generator).usePlaintext().build();
  }

  private static String echo(ManagedChannel ch, String text) {
    return EchoServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8(text)).build())
        .getPayload().toStringUtf8();
  }

  @Test
  void unaryAndStreamingCallsRunOverOsPipesTheApplicationOpened() throws Exception {
    PipeGenerator pipes = new PipeGenerator();
    start(pipes);
    assertThat(echo(channel, "over pipes")).isEqualTo("over pipes");
    Iterator<EchoResponse> stream = EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .serverStream(EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8("s")).setResponseCount(3).build());
    int n = 0;
    while (stream.hasNext()) {
      stream.next();
      n++;
    }
    assertThat(n).isEqualTo(3);
    assertThat(pipes.connects.get()).isEqualTo(1);
    assertThat(server.getListenSockets()).hasSize(1);
  }

  @Test
  void aLostChannelIsReplacedByTheGeneratorsNextOne() throws Exception {
    PipeGenerator pipes = new PipeGenerator();
    start(pipes);
    assertThat(echo(channel, "first")).isEqualTo("first");
    clientEnds.get(0).abort(new ChannelClosedException("the stream broke"));
    // grpc reconnects through the generator when the next call needs a transport
    String again = null;
    for (int i = 0; i < 50 && again == null; i++) {
      try {
        again = echo(channel, "again");
      } catch (StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE); // the call that met the loss
      }
    }
    assertThat(again).isEqualTo("again");
    assertThat(pipes.connects.get()).isGreaterThanOrEqualTo(2);
  }

  private static ChannelGenerator generator(Supplier<CompletableFuture<Channel>> connect) {
    return new ChannelGenerator() {
      @Override
      public CompletableFuture<Channel> connect() {
        return connect.get();
      }

      @Override
      public void close() {}
    };
  }

  @Test
  void aGeneratorThatFailsFailsTheCallUnavailableWithItsCause() throws Exception {
    start(generator(() -> CompletableFuture.failedFuture(
        new ConnectException("the serial line is unplugged", new IOException("ENODEV"), true))));
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> echo(channel, "x"));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(e.getStatus().getCause()).hasMessageContaining("the serial line is unplugged");
  }

  @Test
  void aChannelThatIsAlreadyClosedFailsTheCallUnavailable() throws Exception {
    start(generator(() -> {
      try {
        Pipe p = Pipe.open();
        p.sink().close();
        p.source().close();
        Channel dead = Channels.fromStreams(java.nio.channels.Channels.newInputStream(p.source()),
            java.nio.channels.Channels.newOutputStream(p.sink()));
        return CompletableFuture.completedFuture(dead);
      } catch (IOException e) {
        return CompletableFuture.failedFuture(e);
      }
    }));
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> echo(channel, "x"));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void aPeerThatSendsGarbageFailsTheCallUnavailableWithTheTypedFramingError() throws Exception {
    start(generator(() -> {
      try {
        Pipe up = Pipe.open();
        Pipe down = Pipe.open();
        OutputStream garbage = java.nio.channels.Channels.newOutputStream(down.sink());
        garbage.write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        garbage.flush();
        return CompletableFuture.completedFuture(Channels.fromStreams(
            java.nio.channels.Channels.newInputStream(down.source()),
            java.nio.channels.Channels.newOutputStream(up.sink())));
      } catch (IOException e) {
        return CompletableFuture.failedFuture(e);
      }
    }));
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> echo(channel, "x"));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    // "HTTP" read as a length prefix: 1,213,486,160 bytes, refused before anything is buffered
    assertThat(e.getStatus().getCause()).isInstanceOf(FrameTooLargeException.class)
        .hasMessageContaining("1213486160");
  }

  @Test
  void servingBeforeTheServerStartsIsRefusedAndTheChannelClosed() throws Exception {
    ServedChannels early = ServedChannels.create();
    Pipe p = Pipe.open();
    Channel ch = Channels.fromStreams(java.nio.channels.Channels.newInputStream(p.source()),
        java.nio.channels.Channels.newOutputStream(p.sink()));
    assertThatThrownBy(() -> early.serve(ch)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("start it first");
    assertThat(ch.closeFuture()).succeedsWithin(10, TimeUnit.SECONDS);
  }
}
