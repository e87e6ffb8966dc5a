package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The OutOfMemoryError policy (issue #12, finding 1's aftermath): a server whose handler runs out of heap does not
 * stay half-alive. In a forked JVM with a 48 MiB heap, a call asking the echo service for a 256 MiB response makes
 * the handler throw OutOfMemoryError and the process exits with {@link OutOfMemoryPolicy#EXIT_CODE} at once, for a
 * supervisor to restart. In this JVM, a replaced action sees the error instead.
 */
class OutOfMemoryPolicyTest {
  private Process child;
  private Server server;
  private ManagedChannel channel;

  /** The forked server: prints its port, then serves until it is killed or halts. */
  static final class ServerMain {
    public static void main(String[] args) throws Exception {
      Server s = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
          .addService(new EchoServiceImpl()).build().start();
      System.out.println("PORT " + ((InetSocketAddress) s.getListenSockets().get(0)).getPort());
      System.out.flush();
      new CountDownLatch(1).await();
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    if (child != null) {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    TestShutdown.shutdownNow(channel, server);
  }

  private static EchoRequest ask(int responseSize) {
    return EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8("x")).setResponseSize(responseSize).build();
  }

  @Test
  void aHandlerOutOfHeapHaltsTheForkedServerWithExitCodeThree() throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    child = new ProcessBuilder(java, "-Xmx48m", "-XX:MaxDirectMemorySize=32m",
        "-cp", System.getProperty("java.class.path"), ServerMain.class.getName())
        .redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    List<String> lines = new CopyOnWriteArrayList<>();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try {
        String line;
        while ((line = out.readLine()) != null) {
          lines.add(line);
          if (line.startsWith("PORT ")) {
            port.complete(Integer.parseInt(line.substring(5).trim()));
          }
        }
      } catch (Exception e) {
        port.completeExceptionally(e);
      }
      port.completeExceptionally(new IllegalStateException("child ended before its port: " + lines));
    }, "oom-child-output");
    reader.setDaemon(true);
    reader.start();

    channel = ListenRainChannelBuilder.forSocketAddress(new InetSocketAddress("127.0.0.1", port.get(30,
        TimeUnit.SECONDS))).usePlaintext().build();
    EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(20, TimeUnit.SECONDS);
    assertThat(stub.echo(ask(1024)).getPayload().size()).isEqualTo(1024);

    long t0 = System.nanoTime();
    assertThatThrownBy(() -> stub.echo(ask(256 * 1024 * 1024))).isInstanceOf(StatusRuntimeException.class);
    assertThat(child.waitFor(20, TimeUnit.SECONDS)).as("the server exited").isTrue();
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    reader.join(5_000);
    assertThat(child.exitValue()).as("exit code; output: %s", lines).isEqualTo(OutOfMemoryPolicy.EXIT_CODE);
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("OutOfMemoryError").contains("halting"));
    System.out.printf(Locale.ROOT,
        "OOM policy: forked server (-Xmx48m) exited %d, %d ms after the call%n", child.exitValue(), ms);
  }

  @Test
  void aReplacedActionSeesTheErrorAndTheCallFails() throws Exception {
    List<OutOfMemoryError> seen = new CopyOnWriteArrayList<>();
    server = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .onOutOfMemoryError(seen::add)
        .addService(new EchoServiceGrpc.EchoServiceImplBase() {
          @Override
          public void echo(EchoRequest request, StreamObserver<EchoResponse> responseObserver) {
            throw new OutOfMemoryError("simulated");
          }
        }).build().start();
    channel = ListenRainChannelBuilder.forSocketAddress(server.getListenSockets().get(0)).usePlaintext().build();
    assertThatThrownBy(() -> EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
        .echo(ask(0))).isInstanceOf(StatusRuntimeException.class);
    assertThat(seen).singleElement().extracting(Throwable::getMessage).isEqualTo("simulated");
  }
}
