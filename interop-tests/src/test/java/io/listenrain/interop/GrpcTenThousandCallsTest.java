package io.listenrain.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Attributes;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.grpc.ListenRainServerBuilder;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ten thousand concurrent unary calls on one connection, payloads of 0 to 16 KiB (seeded random sizes and bytes),
 * each response checked against its own request: nothing lost, duplicated or misrouted, and no buffer leaked (the
 * tests run under Netty's PARANOID leak detection with {@code LeakCheckExtension}). The gRPC twin of the native
 * {@code ClientTransportTest#tenThousandConcurrentCallsOnOneConnectionComeBackExactlyOnceEach}.
 */
class GrpcTenThousandCallsTest {
  private static final int CALLS = 10_000;
  private static final int MAX_PAYLOAD = 16 * 1024;
  /** The capped variant checks queueing, not scale: fewer calls keep its run time small under PARANOID detection. */
  private static final int CAPPED_CALLS = 2_000;
  private static final long SEED = 0x5EED_6_10_000L;

  private final AtomicInteger connections = new AtomicInteger();
  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void tearDown() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private EchoServiceGrpc.EchoServiceStub start(ListenRainServerBuilder builder, EchoServiceGrpc.EchoServiceImplBase
      service) throws Exception {
    server = builder.addService(service).addTransportFilter(new ServerTransportFilter() {
      @Override
      public Attributes transportReady(Attributes attrs) {
        connections.incrementAndGet();
        return attrs;
      }
    }).build().start();
    channel = ListenRainChannelBuilder.forSocketAddress(server.getListenSockets().get(0)).build();
    return EchoServiceGrpc.newStub(channel).withDeadlineAfter(90, TimeUnit.SECONDS);
  }

  private static List<ByteString> payloads(int calls) {
    Random random = new Random(SEED);
    List<ByteString> payloads = new ArrayList<>(calls);
    for (int i = 0; i < calls; i++) {
      byte[] b = new byte[random.nextInt(MAX_PAYLOAD + 1)];
      random.nextBytes(b);
      payloads.add(ByteString.copyFrom(b));
    }
    return payloads;
  }

  /** Runs every call at once and checks each came back exactly once with its own payload. */
  private void runAndCheck(EchoServiceGrpc.EchoServiceStub stub, int calls) throws Exception {
    List<ByteString> payloads = payloads(calls);
    List<Outcome<EchoResponse>> outcomes = new ArrayList<>(calls);
    for (int i = 0; i < calls; i++) {
      Outcome<EchoResponse> o = new Outcome<>();
      outcomes.add(o);
      stub.echo(EchoRequest.newBuilder().setPayload(payloads.get(i)).build(), o);
    }
    int misrouted = 0;
    for (int i = 0; i < calls; i++) {
      Outcome<EchoResponse> o = outcomes.get(i);
      Status s = o.status.get(90, TimeUnit.SECONDS);
      assertThat(s.isOk()).as("call %d: %s", i, s).isTrue();
      assertThat(o.responses).as("responses to call %d", i).isEqualTo(1);
      assertThat(o.ends).isEqualTo(1);
      if (!o.last.getPayload().equals(payloads.get(i))) {
        misrouted++;
      }
    }
    assertThat(misrouted).as("responses that were not their own request's payload").isZero();
    assertThat(connections.get()).as("connections used").isEqualTo(1);
  }

  @Test
  void tenThousandConcurrentCallsOnOneConnectionComeBackExactlyOnceEachWithTheirOwnPayload() throws Exception {
    // The server holds every call until all ten thousand are open at once, then answers them in a shuffled order.
    List<Runnable> answers = new ArrayList<>(CALLS);
    EchoServiceGrpc.EchoServiceImplBase holdAll = new EchoServiceGrpc.EchoServiceImplBase() {
      @Override
      public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
        List<Runnable> release = null;
        synchronized (answers) {
          answers.add(() -> {
            out.onNext(EchoResponse.newBuilder().setPayload(request.getPayload()).build());
            out.onCompleted();
          });
          if (answers.size() == CALLS) {
            release = new ArrayList<>(answers);
          }
        }
        if (release != null) {
          Collections.shuffle(release, new Random(SEED));
          release.forEach(Runnable::run);
        }
      }
    };
    // All ten thousand open at once: above the default limit of 1,000 concurrent calls per connection.
    runAndCheck(start(ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .maxConcurrentCallsPerConnection(Integer.MAX_VALUE), holdAll), CALLS);
  }

  @Test
  void withACapOfOneHundredCallsPerConnectionTwoThousandCallsQueueAndAllComeBack() throws Exception {
    // The server answers in batches: it holds calls until the cap (100) are open at once, then answers them all. So
    // the cap is reached every time, and the calls beyond it must wait on the client until streams free up.
    int cap = 100;
    List<Runnable> batch = new ArrayList<>(cap);
    AtomicInteger maxOpen = new AtomicInteger();
    EchoServiceGrpc.EchoServiceImplBase batches = new EchoServiceGrpc.EchoServiceImplBase() {
      @Override
      public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
        List<Runnable> release = null;
        synchronized (batch) {
          batch.add(() -> {
            out.onNext(EchoResponse.newBuilder().setPayload(request.getPayload()).build());
            out.onCompleted();
          });
          maxOpen.accumulateAndGet(batch.size(), Math::max);
          if (batch.size() == cap) {
            release = new ArrayList<>(batch);
            batch.clear();
          }
        }
        if (release != null) {
          release.forEach(Runnable::run);
        }
      }
    };
    runAndCheck(start(ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .maxConcurrentCallsPerConnection(cap), batches), CAPPED_CALLS);
    assertThat(maxOpen.get()).as("calls open at once on the server").isEqualTo(cap);
  }
}
