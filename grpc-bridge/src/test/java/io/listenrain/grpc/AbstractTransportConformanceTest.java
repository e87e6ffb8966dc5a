package io.listenrain.grpc;

import static io.listenrain.grpc.TransportRecorders.await;
import static io.listenrain.grpc.TransportRecorders.poll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.ClientStreamTracer;
import io.grpc.Grpc;
import io.grpc.InternalChannelz.SocketStats;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.internal.ClientStream;
import io.grpc.internal.ClientStreamListener.RpcProgress;
import io.grpc.internal.ClientTransport;
import io.grpc.internal.GrpcAttributes;
import io.grpc.internal.GrpcUtil;
import io.grpc.internal.ServerTransport;
import io.listenrain.grpc.TransportRecorders.ClientStreamRecorder;
import io.listenrain.grpc.TransportRecorders.ClientTransportRecorder;
import io.listenrain.grpc.TransportRecorders.Closed;
import io.listenrain.grpc.TransportRecorders.ServerCall;
import io.listenrain.grpc.TransportRecorders.ServerRecorder;
import io.listenrain.grpc.TransportRecorders.ServerTransportRecorder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The transport conformance suite: the behaviours grpc-java's (unpublished) AbstractTransportTest checks, written
 * anew against the SPI, run for every channel kind by a subclass. Streams are driven directly, without a channel or
 * server on top.
 */
abstract class AbstractTransportConformanceTest {
  private static final Metadata.Key<String> ASCII_KEY = Metadata.Key.of("x-ascii", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<byte[]> BINARY_KEY = Metadata.Key.of("x-bin", Metadata.BINARY_BYTE_MARSHALLER);
  private static final MethodDescriptor.Marshaller<String> STRINGS = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      return TransportRecorders.read(stream);
    }
  };
  private static final MethodDescriptor<String, String> METHOD = MethodDescriptor.<String, String>newBuilder()
      .setType(MethodDescriptor.MethodType.UNKNOWN).setFullMethodName("test.Service/Method")
      .setRequestMarshaller(STRINGS).setResponseMarshaller(STRINGS).build();

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final List<ListenRainClientTransport> clients = new ArrayList<>();
  private ListenRainServer server;
  private ServerRecorder serverListener;
  protected TransportConfig serverConfig = new TransportConfig();
  protected TransportConfig clientConfig = new TransportConfig();

  /** The address the server under test binds. */
  protected abstract SocketAddress bindAddress();

  @AfterEach
  void tearDown() throws Exception {
    for (ListenRainClientTransport c : clients) {
      c.shutdownNow(Status.UNAVAILABLE.withDescription("test over"));
    }
    if (server != null) {
      server.shutdown();
    }
    if (serverListener != null) {
      for (ServerTransportRecorder t : serverListener.transports) {
        t.transport.shutdownNow(Status.UNAVAILABLE.withDescription("test over"));
        await(t.terminated);
      }
    }
    scheduler.shutdownNow();
  }

  private void startServer() throws IOException {
    server = new ListenRainServer(bindAddress(), serverConfig, Collections.emptyList());
    serverListener = new ServerRecorder();
    server.start(serverListener);
  }

  private ListenRainClientTransport newClient(SocketAddress address) {
    ListenRainClientTransport c = new ListenRainClientTransport(address, "test-authority:1234", "conformance",
        Attributes.EMPTY, clientConfig, scheduler);
    clients.add(c);
    return c;
  }

  /** Starts a server and a client, and waits until both ends are ready. */
  private Pair connect() throws Exception {
    if (server == null) {
      startServer();
    }
    ListenRainClientTransport client = newClient(server.getListenSocketAddress());
    ClientTransportRecorder rec = new ClientTransportRecorder();
    runIfNotNull(client.start(rec));
    await(rec.ready);
    ServerTransportRecorder st = poll(serverListener.transports);
    await(st.ready);
    return new Pair(client, rec, st);
  }

  private static void runIfNotNull(Runnable r) {
    if (r != null) {
      r.run();
    }
  }

  private static final class Pair {
    final ListenRainClientTransport client;
    final ClientTransportRecorder clientListener;
    final ServerTransportRecorder server;

    Pair(ListenRainClientTransport client, ClientTransportRecorder clientListener, ServerTransportRecorder server) {
      this.client = client;
      this.clientListener = clientListener;
      this.server = server;
    }
  }

  private static ClientStream newStream(ClientTransport client, Metadata headers, CallOptions options) {
    return client.newStream(METHOD, headers, options, new ClientStreamTracer[0]);
  }

  private static InputStream message(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Opens a stream and waits until the server sees it. */
  private ServerCall open(Pair p, ClientStreamRecorder listener) throws Exception {
    ClientStream s = newStream(p.client, new Metadata(), CallOptions.DEFAULT);
    s.start(listener);
    listener.clientStream = s;
    return poll(p.server.calls);
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  @Test
  void serverNotListeningReportsUnavailableThenTerminates() throws Exception {
    startServer();
    SocketAddress address = server.getListenSocketAddress();
    server.shutdown();
    await(serverListener.shutdown);
    server = null;
    ListenRainClientTransport client = newClient(address);
    ClientTransportRecorder rec = new ClientTransportRecorder();
    runIfNotNull(client.start(rec));
    assertThat(await(rec.shutdown).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    await(rec.terminated);
    assertThat(rec.ready).isNotDone();
    assertThat(rec.inUse).isEmpty();
    assertThat(rec.order).containsExactly("shutdown", "terminated");
  }

  @Test
  void clientShutdownPassesTheSameStatusThenTerminates() throws Exception {
    Pair p = connect();
    Status reason = Status.UNAVAILABLE.withDescription("going");
    p.client.shutdown(reason);
    assertThat(await(p.clientListener.shutdown)).isSameAs(reason);
    await(p.clientListener.terminated);
    await(p.server.terminated);
    assertThat(p.clientListener.inUse).isEmpty();
    assertThat(p.clientListener.order).containsExactly("filter", "ready", "shutdown", "terminated");
  }

  @Test
  void clientAttributesCarrySecurityLevelAndAddresses() throws Exception {
    Pair p = connect();
    Attributes a = p.client.getAttributes();
    assertThat(a.get(GrpcAttributes.ATTR_SECURITY_LEVEL)).isNotNull();
    assertThat(a.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)).isEqualTo(server.getListenSocketAddress());
    assertThat(a.get(ClientTransportRecorder.FILTER_KEY)).isEqualTo("client-filtered");
    Attributes s = await(p.server.ready);
    assertThat(s.get(GrpcAttributes.ATTR_SECURITY_LEVEL)).isEqualTo(a.get(GrpcAttributes.ATTR_SECURITY_LEVEL));
    assertThat(s.get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR)).isEqualTo(server.getListenSocketAddress());
  }

  @Test
  void secondServerOnTheSameAddressFailsToStart() throws Exception {
    startServer();
    ListenRainServer second = new ListenRainServer(server.getListenSocketAddress(), serverConfig,
        Collections.emptyList());
    assertThatThrownBy(() -> second.start(new ServerRecorder())).isInstanceOf(IOException.class);
  }

  @Test
  void serverShutdownClosesTheListenerButAnOpenStreamKeepsWorking() throws Exception {
    Pair p = connect();
    ClientStreamRecorder c = new ClientStreamRecorder();
    ServerCall call = open(p, c);
    server.shutdown();
    await(serverListener.shutdown);
    p.server.transport.shutdown();
    // The listening address is free again at once.
    ListenRainServer again = new ListenRainServer(server.getListenSocketAddress(), serverConfig,
        Collections.emptyList());
    again.start(new ServerRecorder());
    again.shutdown();
    call.stream.request(1);
    c.clientStream.writeMessage(message("still here"));
    c.clientStream.flush();
    assertThat(poll(call.listener.messages)).isEqualTo("still here");
    assertThat(p.server.terminated).isNotDone();
    c.clientStream.cancel(Status.CANCELLED);
    await(p.server.terminated);
    await(call.listener.closed);
  }

  @Test
  void shutdownNowKillsClientStreamWithTheExactStatus() throws Exception {
    Pair p = connect();
    ClientStreamRecorder c = new ClientStreamRecorder();
    ServerCall call = open(p, c);
    Status reason = Status.UNAVAILABLE.withDescription("now");
    p.client.shutdownNow(reason);
    Closed closed = await(c.closed);
    assertThat(closed.status).isSameAs(reason);
    assertThat(await(call.listener.closed).isOk()).isFalse();
    await(p.clientListener.terminated);
    await(p.server.terminated);
    await().atMost(10, TimeUnit.SECONDS).until(() -> p.clientListener.inUse.equals(List.of(true, false)));
  }

  @Test
  void shutdownNowKillsServerStream() throws Exception {
    Pair p = connect();
    ClientStreamRecorder c = new ClientStreamRecorder();
    ServerCall call = open(p, c);
    p.server.transport.shutdownNow(Status.UNAVAILABLE.withDescription("server now"));
    assertThat(await(call.listener.closed).isOk()).isFalse();
    assertThat(await(c.closed).status.isOk()).isFalse();
    await(p.server.terminated);
    await(p.clientListener.terminated);
  }

  @Test
  void pingSucceedsWithoutTouchingInUse() throws Exception {
    Pair p = connect();
    CompletableFuture<Long> rtt = new CompletableFuture<>();
    p.client.ping(callback(rtt), Runnable::run);
    assertThat(await(rtt)).isNotNegative();
    assertThat(p.clientListener.inUse).isEmpty();
  }

  @Test
  void pingWorksDuringShutdownAndFailsAfterTerminationWithTheShutdownStatus() throws Exception {
    Pair p = connect();
    ClientStreamRecorder c = new ClientStreamRecorder();
    open(p, c);
    Status reason = Status.UNAVAILABLE.withDescription("bye");
    p.client.shutdown(reason);
    CompletableFuture<Long> during = new CompletableFuture<>();
    p.client.ping(callback(during), Runnable::run);
    assertThat(await(during)).isNotNegative();
    c.clientStream.cancel(Status.CANCELLED);
    await(p.clientListener.terminated);
    CompletableFuture<Long> after = new CompletableFuture<>();
    p.client.ping(callback(after), Runnable::run);
    assertThatThrownBy(() -> await(after)).hasCauseInstanceOf(io.grpc.StatusException.class)
        .satisfies(e -> assertThat(Status.fromThrowable(e.getCause())).isSameAs(reason));
  }

  private static ClientTransport.PingCallback callback(CompletableFuture<Long> f) {
    return new ClientTransport.PingCallback() {
      @Override
      public void onSuccess(long roundTripTimeNanos) {
        f.complete(roundTripTimeNanos);
      }

      @Override
      public void onFailure(Status cause) {
        f.completeExceptionally(cause.asException());
      }
    };
  }

  @Test
  void newStreamDuringShutdownFailsWithTheShutdownStatusWhileOldOnesFinish() throws Exception {
    Pair p = connect();
    ClientStreamRecorder old = new ClientStreamRecorder();
    ServerCall call = open(p, old);
    Status reason = Status.UNAVAILABLE.withDescription("shutting down");
    p.client.shutdown(reason);
    ClientStreamRecorder late = new ClientStreamRecorder();
    newStream(p.client, new Metadata(), CallOptions.DEFAULT).start(late);
    assertThat(await(late.closed).status).isSameAs(reason);
    call.stream.writeHeaders(new Metadata(), true);
    call.stream.close(Status.OK, new Metadata());
    assertThat(await(old.closed).status.isOk()).isTrue();
    await(p.clientListener.terminated);
    assertThat(p.server.calls).isEmpty();
  }

  @Test
  void newStreamAfterTerminationFailsWithTheShutdownStatus() throws Exception {
    Pair p = connect();
    Status reason = Status.UNAVAILABLE.withDescription("done");
    p.client.shutdown(reason);
    await(p.clientListener.terminated);
    ClientStreamRecorder late = new ClientStreamRecorder();
    newStream(p.client, new Metadata(), CallOptions.DEFAULT).start(late);
    assertThat(await(late.closed).status).isSameAs(reason);
  }

  // ------------------------------------------------------------------------------------------ in use

  @Test
  void inUseGoesTrueThenFalseOnNormalClose() throws Exception {
    Pair p = connect();
    ClientStreamRecorder c = new ClientStreamRecorder();
    ServerCall call = open(p, c);
    await().atMost(10, TimeUnit.SECONDS).until(() -> p.clientListener.inUse.equals(List.of(true)));
    call.stream.close(Status.OK, new Metadata());
    await(c.closed);
    await().atMost(10, TimeUnit.SECONDS).until(() -> p.clientListener.inUse.equals(List.of(true, false)));
  }

  @Test
  void inUseGoesFalseWhenTheClientCancels() throws Exception {
    Pair p = connect();
    ClientStreamRecorder c = new ClientStreamRecorder();
    open(p, c);
    c.clientStream.cancel(Status.CANCELLED);
    await(c.closed);
    await().atMost(10, TimeUnit.SECONDS).until(() -> p.clientListener.inUse.equals(List.of(true, false)));
  }

  @Test
  void balancerRpcsAreNotCountedInUse() throws Exception {
    Pair p = connect();
    ClientStreamRecorder c = new ClientStreamRecorder();
    ClientStream s = newStream(p.client, new Metadata(),
        CallOptions.DEFAULT.withOption(GrpcUtil.CALL_OPTIONS_RPC_OWNED_BY_BALANCER, true));
    s.start(c);
    ServerCall call = poll(p.server.calls);
    call.stream.close(Status.OK, new Metadata());
    await(c.closed);
    // A normal stream after it: its transitions are the only ones.
    ClientStreamRecorder c2 = new ClientStreamRecorder();
    ServerCall call2 = open(p, c2);
    call2.stream.close(Status.OK, new Metadata());
    await(c2.closed);
    await().atMost(10, TimeUnit.SECONDS).until(() -> p.clientListener.inUse.equals(List.of(true, false)));
  }

  // ------------------------------------------------------------------------------------------ streams

  @Test
  void basicStreamCarriesMetadataMessagesAndStatusBothWays() throws Exception {
    Pair p = connect();
    Metadata headers = new Metadata();
    headers.put(ASCII_KEY, "a1");
    headers.put(ASCII_KEY, "a2");
    headers.put(BINARY_KEY, new byte[] {0, 1, 2});
    headers.put(BINARY_KEY, "ä,".getBytes(StandardCharsets.UTF_8));
    ClientStreamRecorder c = new ClientStreamRecorder();
    ClientStream s = newStream(p.client, headers, CallOptions.DEFAULT);
    s.start(c);
    ServerCall call = poll(p.server.calls);
    assertThat(call.method).isEqualTo(METHOD.getFullMethodName());
    assertThat(call.headers.getAll(ASCII_KEY)).containsExactly("a1", "a2");
    assertThat(call.headers.getAll(BINARY_KEY)).containsExactly(new byte[] {0, 1, 2},
        "ä,".getBytes(StandardCharsets.UTF_8));
    assertThat(call.stream.getAuthority()).isEqualTo("test-authority:1234");
    Attributes attrs = call.stream.getAttributes();
    assertThat(attrs.get(ServerTransportRecorder.FILTER_KEY)).isEqualTo("server-filtered");
    assertThat(attrs.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)).isNotNull();
    assertThat(attrs.get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR)).isNotNull();

    call.stream.request(1);
    s.writeMessage(message("request"));
    s.flush();
    assertThat(poll(call.listener.messages)).isEqualTo("request");
    s.halfClose();
    await(call.listener.halfClosed);

    Metadata responseHeaders = new Metadata();
    responseHeaders.put(ASCII_KEY, "r1");
    responseHeaders.put(ASCII_KEY, "r2");
    call.stream.writeHeaders(responseHeaders, true);
    assertThat(await(c.headers).getAll(ASCII_KEY)).containsExactly("r1", "r2");
    s.request(1);
    call.stream.writeMessage(message("response"));
    call.stream.flush();
    assertThat(poll(c.messages)).isEqualTo("response");

    Metadata trailers = new Metadata();
    trailers.put(BINARY_KEY, new byte[] {9});
    trailers.put(BINARY_KEY, new byte[] {8});
    call.stream.close(Status.OK.withDescription("all good"), trailers);
    Closed closed = await(c.closed);
    assertThat(closed.status.getCode()).isEqualTo(Status.Code.OK);
    assertThat(closed.status.getDescription()).isEqualTo("all good");
    assertThat(closed.trailers.getAll(BINARY_KEY)).containsExactly(new byte[] {9}, new byte[] {8});
    assertThat(await(call.listener.closed).isOk()).isTrue();
  }

  @Test
  void zeroMessageStreamHalfClosesAndEndsOk() throws Exception {
    Pair p = connect();
    ClientStreamRecorder c = new ClientStreamRecorder();
    ServerCall call = open(p, c);
    c.clientStream.halfClose();
    await(call.listener.halfClosed);
    call.stream.writeHeaders(new Metadata(), true);
    call.stream.close(Status.OK, new Metadata());
    await(c.headers);
    assertThat(await(c.closed).status.isOk()).isTrue();
    assertThat(c.messages).isEmpty();
  }

  @Test
  void earlyServerCloseWithHeadersDeliversCodeDescriptionAndTrailers() throws Exception {
    earlyServerClose(true, false);
  }

  @Test
  void earlyServerCloseWithoutHeadersIsTrailersOnly() throws Exception {
    earlyServerClose(false, false);
  }

  @Test
  void earlyServerCloseWithClientCancelFromClosedIsSafe() throws Exception {
    earlyServerClose(false, true);
  }

  private void earlyServerClose(boolean sendHeaders, boolean cancelInClosed) throws Exception {
    Pair p = connect();
    ClientStreamRecorder c = cancelInClosed ? new ClientStreamRecorder() {
      @Override
      public void closed(Status status, RpcProgress rpcProgress, Metadata trailers) {
        clientStream.cancel(Status.CANCELLED);
        super.closed(status, rpcProgress, trailers);
      }
    } : new ClientStreamRecorder();
    ServerCall call = open(p, c);
    if (sendHeaders) {
      call.stream.writeHeaders(new Metadata(), true);
    }
    Metadata trailers = new Metadata();
    trailers.put(ASCII_KEY, "t");
    call.stream.close(Status.INTERNAL.withDescription("failed early").withCause(new RuntimeException("x")),
        trailers);
    Closed closed = await(c.closed);
    assertThat(closed.status.getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(closed.status.getDescription()).isEqualTo("failed early");
    assertThat(closed.status.getCause()).isNull();
    assertThat(closed.trailers.get(ASCII_KEY)).isEqualTo("t");
    assertThat(c.headers.isDone()).isEqualTo(sendHeaders);
    assertThat(await(call.listener.closed).isOk()).isTrue();
  }

  @Test
  void clientCancelReachesTheServerAndSecondCancelIsANoop() throws Exception {
    Pair p = connect();
    ClientStreamRecorder c = new ClientStreamRecorder();
    ServerCall call = open(p, c);
    Status reason = Status.CANCELLED.withDescription("user");
    c.clientStream.cancel(reason);
    assertThat(await(c.closed).status).isSameAs(reason);
    Status serverSaw = await(call.listener.closed);
    assertThat(serverSaw.isOk()).isFalse();
    assertThat(serverSaw.getCause()).isNull();
    c.clientStream.cancel(Status.CANCELLED.withDescription("again"));
    // the transport stays usable
    ClientStreamRecorder c2 = new ClientStreamRecorder();
    ServerCall call2 = open(p, c2);
    call2.stream.close(Status.OK, new Metadata());
    assertThat(await(c2.closed).status.isOk()).isTrue();
  }

  @Test
  void clientCancelFromWithinMessageReadIsSafe() throws Exception {
    Pair p = connect();
    CompletableFuture<Void> cancelled = new CompletableFuture<>();
    ClientStreamRecorder c = new ClientStreamRecorder() {
      @Override
      public void messagesAvailable(MessageProducer producer) {
        InputStream m;
        while ((m = producer.next()) != null) {
          TransportRecorders.read(m);
          clientStream.cancel(Status.CANCELLED.withDescription("nevermind"));
          cancelled.complete(null);
        }
      }
    };
    ServerCall call = open(p, c);
    c.clientStream.request(1);
    call.stream.writeHeaders(new Metadata(), true);
    call.stream.writeMessage(message("one"));
    call.stream.flush();
    await(cancelled);
    Closed closed = await(c.closed);
    assertThat(closed.status.getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThat(closed.status.getDescription()).isEqualTo("nevermind");
  }

  @Test
  void serverCancelReachesTheClientAsCancelled() throws Exception {
    Pair p = connect();
    ClientStreamRecorder c = new ClientStreamRecorder();
    ServerCall call = open(p, c);
    Status reason = Status.DEADLINE_EXCEEDED.withDescription("server gave up");
    call.stream.cancel(reason);
    assertThat(await(call.listener.closed)).isSameAs(reason);
    Closed closed = await(c.closed);
    assertThat(closed.status.getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThat(closed.status.getCause()).isNull();
    call.stream.cancel(Status.CANCELLED);
  }

  @Test
  void interactionsAfterServerCloseAreNoops() throws Exception {
    Pair p = connect();
    ClientStreamRecorder c = new ClientStreamRecorder();
    ServerCall call = open(p, c);
    call.stream.close(Status.OK, new Metadata());
    await(c.closed);
    call.stream.writeMessage(message("late"));
    call.stream.flush();
    call.stream.cancel(Status.CANCELLED);
    c.clientStream.writeMessage(message("late too"));
    c.clientStream.flush();
    c.clientStream.halfClose();
    ClientStreamRecorder c2 = new ClientStreamRecorder();
    ServerCall call2 = open(p, c2);
    call2.stream.close(Status.OK, new Metadata());
    assertThat(await(c2.closed).status.isOk()).isTrue();
  }

  @Test
  void framesAfterAClientCancelDoNotBreakTheConnection() throws Exception {
    Pair p = connect();
    ClientStreamRecorder c = new ClientStreamRecorder();
    ServerCall call = open(p, c);
    c.clientStream.cancel(Status.CANCELLED);
    await(c.closed);
    // The server has not seen the reset yet, or has: either way its frames are dropped by the client.
    call.stream.writeHeaders(new Metadata(), true);
    call.stream.writeMessage(message("ignored"));
    call.stream.flush();
    ClientStreamRecorder c2 = new ClientStreamRecorder();
    ServerCall call2 = open(p, c2);
    call2.stream.writeHeaders(new Metadata(), true);
    await(c2.headers);
  }

  // ------------------------------------------------------------------------------------------ flow control

  @Test
  void flowControlPushesBackOnBothSidesAndRequestDeliversExactly() throws Exception {
    serverConfig.flowControlWindow = 64 * 1024;
    clientConfig.flowControlWindow = 64 * 1024;
    Pair p = connect();
    ClientStreamRecorder c = new ClientStreamRecorder();
    ServerCall call = open(p, c);
    String kib = "x".repeat(1024);
    await().atMost(10, TimeUnit.SECONDS).until(() -> c.clientStream.isReady());
    int sent = 0;
    while (c.clientStream.isReady() && sent < 10_240) {
      c.clientStream.writeMessage(message(kib));
      c.clientStream.flush();
      sent++;
    }
    assertThat(sent).isLessThan(10_240);
    call.stream.request(3);
    for (int i = 0; i < 3; i++) {
      assertThat(poll(call.listener.messages)).isEqualTo(kib);
    }
    // A ping is a barrier: anything beyond the three requested would have arrived by now.
    CompletableFuture<Long> ping = new CompletableFuture<>();
    p.client.ping(callback(ping), Runnable::run);
    await(ping);
    assertThat(call.listener.messages).isEmpty();
    c.clientStream.halfClose();
    call.stream.request(sent);
    for (int i = 3; i < sent; i++) {
      poll(call.listener.messages);
    }
    await(call.listener.halfClosed);

    call.stream.writeHeaders(new Metadata(), true);
    int serverSent = 0;
    while (call.stream.isReady() && serverSent < 10_240) {
      call.stream.writeMessage(message(kib));
      call.stream.flush();
      serverSent++;
    }
    assertThat(serverSent).isLessThan(10_240);
    c.clientStream.request(2);
    poll(c.messages);
    poll(c.messages);
    CompletableFuture<Long> ping2 = new CompletableFuture<>();
    p.client.ping(callback(ping2), Runnable::run);
    await(ping2);
    assertThat(c.messages).isEmpty();
    call.stream.close(Status.OK, new Metadata());
    c.clientStream.request(serverSent);
    for (int i = 2; i < serverSent; i++) {
      poll(c.messages);
    }
    assertThat(await(c.closed).status.isOk()).isTrue();
  }

  @Test
  void aMessageOneByteLargerThanTheWindowPassesBothWays() throws Exception {
    serverConfig.flowControlWindow = 64 * 1024;
    clientConfig.flowControlWindow = 64 * 1024;
    Pair p = connect();
    ClientStreamRecorder c = new ClientStreamRecorder();
    ServerCall call = open(p, c);
    String big = "y".repeat(64 * 1024 + 1);
    call.stream.request(1);
    c.clientStream.writeMessage(message(big));
    c.clientStream.flush();
    assertThat(poll(call.listener.messages)).isEqualTo(big);
    c.clientStream.request(1);
    call.stream.writeHeaders(new Metadata(), true);
    call.stream.writeMessage(message(big));
    call.stream.flush();
    assertThat(poll(c.messages)).isEqualTo(big);
  }

  @Test
  void messageProducerOnlyProducesRequestedMessages() throws Exception {
    Pair p = connect();
    ClientStreamRecorder c = new ClientStreamRecorder();
    ServerCall call = open(p, c);
    c.clientStream.writeMessage(message("1"));
    c.clientStream.writeMessage(message("2"));
    c.clientStream.flush();
    call.stream.request(1);
    assertThat(poll(call.listener.messages)).isEqualTo("1");
    CompletableFuture<Long> ping = new CompletableFuture<>();
    p.client.ping(callback(ping), Runnable::run);
    await(ping);
    assertThat(call.listener.messages).isEmpty();
    call.stream.request(1);
    assertThat(poll(call.listener.messages)).isEqualTo("2");
  }

  // ------------------------------------------------------------------------------------------ limits

  @Test
  void serverRefusesOversizedRequestMetadata() throws Exception {
    Pair p = connect();
    Metadata big = new Metadata();
    big.put(ASCII_KEY, "z".repeat(9000));
    ClientStreamRecorder c = new ClientStreamRecorder();
    newStream(p.client, big, CallOptions.DEFAULT).start(c);
    Closed closed = await(c.closed);
    assertThat(closed.status.getCode()).isIn(Status.Code.RESOURCE_EXHAUSTED, Status.Code.INTERNAL,
        Status.Code.UNKNOWN);
    assertThat(c.headers).isNotDone();
  }

  @Test
  void clientRefusesOversizedResponseHeaders() throws Exception {
    Pair p = connect();
    ClientStreamRecorder c = new ClientStreamRecorder();
    ServerCall call = open(p, c);
    Metadata big = new Metadata();
    big.put(ASCII_KEY, "z".repeat(9000));
    call.stream.writeHeaders(big, true);
    Closed closed = await(c.closed);
    assertThat(closed.status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(c.headers).isNotDone();
  }

  @Test
  void clientRefusesOversizedResponseTrailers() throws Exception {
    Pair p = connect();
    ClientStreamRecorder c = new ClientStreamRecorder();
    ServerCall call = open(p, c);
    Metadata big = new Metadata();
    big.put(ASCII_KEY, "z".repeat(9000));
    call.stream.close(Status.OK, big);
    Closed closed = await(c.closed);
    assertThat(closed.status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(closed.trailers.get(ASCII_KEY)).isNull();
  }

  @Test
  void clientQueuesStreamsBeyondTheServersConcurrencyLimit() throws Exception {
    serverConfig.maxConcurrentStreams = 1;
    Pair p = connect();
    ClientStreamRecorder c1 = new ClientStreamRecorder();
    ServerCall call1 = open(p, c1);
    ClientStreamRecorder c2 = new ClientStreamRecorder();
    newStream(p.client, new Metadata(), CallOptions.DEFAULT).start(c2);
    CompletableFuture<Long> ping = new CompletableFuture<>();
    p.client.ping(callback(ping), Runnable::run);
    await(ping);
    assertThat(p.server.calls).isEmpty();
    call1.stream.close(Status.OK, new Metadata());
    await(c1.closed);
    ServerCall call2 = poll(p.server.calls);
    call2.stream.close(Status.OK, new Metadata());
    assertThat(await(c2.closed).status.isOk()).isTrue();
  }

  // ------------------------------------------------------------------------------------------ observability

  @Test
  void transportTracersCountStreamsAndMessagesOnBothSides() throws Exception {
    Pair p = connect();
    ClientStreamRecorder c = new ClientStreamRecorder();
    ServerCall call = open(p, c);
    call.stream.request(1);
    c.clientStream.writeMessage(message("up"));
    c.clientStream.flush();
    poll(call.listener.messages);
    c.clientStream.request(1);
    call.stream.writeHeaders(new Metadata(), true);
    call.stream.writeMessage(message("down"));
    call.stream.flush();
    poll(c.messages);
    call.stream.close(Status.OK, new Metadata());
    await(c.closed);
    await(call.listener.closed);
    ClientStreamRecorder failed = new ClientStreamRecorder();
    ServerCall call2 = open(p, failed);
    call2.stream.close(Status.ABORTED, new Metadata());
    await(failed.closed);
    await(call2.listener.closed);

    SocketStats server = p.server.transport.getStats().get(10, TimeUnit.SECONDS);
    assertThat(server.data.streamsStarted).isEqualTo(2);
    assertThat(server.data.lastRemoteStreamCreatedTimeNanos).isPositive();
    assertThat(server.data.streamsSucceeded).isEqualTo(1);
    assertThat(server.data.streamsFailed).isEqualTo(1);
    assertThat(server.data.messagesReceived).isEqualTo(1);
    assertThat(server.data.messagesSent).isEqualTo(1);
    SocketStats client = p.client.getStats().get(10, TimeUnit.SECONDS);
    assertThat(client.data.streamsStarted).isEqualTo(2);
    assertThat(client.data.lastLocalStreamCreatedTimeNanos).isPositive();
    assertThat(client.data.messagesReceived).isEqualTo(1);
    assertThat(client.data.messagesSent).isEqualTo(1);
  }

  @Test
  void socketStatsMatchTheStreamAttributes() throws Exception {
    Pair p = connect();
    ClientStreamRecorder c = new ClientStreamRecorder();
    ServerCall call = open(p, c);
    SocketStats client = p.client.getStats().get(10, TimeUnit.SECONDS);
    ServerTransport serverTransport = p.server.transport;
    SocketStats serverStats = serverTransport.getStats().get(10, TimeUnit.SECONDS);
    Attributes serverAttrs = call.stream.getAttributes();
    assertThat(serverStats.local).isEqualTo(serverAttrs.get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR));
    assertThat(serverStats.remote).isEqualTo(serverAttrs.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    assertThat(client.remote).isEqualTo(p.client.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    assertThat(client.local).isEqualTo(p.client.getAttributes().get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR));
    assertThat(client.data.streamsStarted).isEqualTo(1);
    for (SocketStats stats : List.of(client, serverStats)) {
      assertThat(stats.socketOptions).isNotNull();
      assertThat(stats.socketOptions.others).containsKey("listenrain.channel.kind");
      if (bindAddress() instanceof InetSocketAddress) {
        // What channelz (and grpc's own socketStats test) expects of a real TCP socket.
        assertThat(stats.socketOptions.lingerSeconds).isNotNull();
        assertThat(stats.socketOptions.others).containsKeys("SO_SNDBUF", "TCP_NODELAY");
      }
    }
  }
}
