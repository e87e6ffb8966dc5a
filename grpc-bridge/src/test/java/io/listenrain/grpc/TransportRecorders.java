package io.listenrain.grpc;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.internal.ClientStreamListener;
import io.grpc.internal.ManagedClientTransport;
import io.grpc.internal.ServerListener;
import io.grpc.internal.ServerStream;
import io.grpc.internal.ServerStreamListener;
import io.grpc.internal.ServerTransport;
import io.grpc.internal.ServerTransportListener;
import io.grpc.internal.StreamListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Listeners for the transport SPI that record what they see, for the conformance suite. */
final class TransportRecorders {
  private TransportRecorders() {}

  static final long TIMEOUT_MS = 10_000;

  static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  static <T> T poll(BlockingQueue<T> q) throws InterruptedException {
    T t = q.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    if (t == null) {
      throw new AssertionError("nothing arrived within " + TIMEOUT_MS + " ms");
    }
    return t;
  }

  static String read(InputStream in) {
    try (InputStream i = in) {
      return new String(i.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Records a client transport's lifecycle. */
  static final class ClientTransportRecorder implements ManagedClientTransport.Listener {
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    final CompletableFuture<Status> shutdown = new CompletableFuture<>();
    final CompletableFuture<Void> terminated = new CompletableFuture<>();
    final List<Boolean> inUse = new CopyOnWriteArrayList<>();
    final List<String> order = new CopyOnWriteArrayList<>();
    static final Attributes.Key<String> FILTER_KEY = Attributes.Key.create("filter-key");

    @Override
    public void transportReady() {
      order.add("ready");
      ready.complete(null);
    }

    @Override
    public void transportShutdown(Status s) {
      order.add("shutdown");
      shutdown.complete(s);
    }

    @Override
    public void transportTerminated() {
      order.add("terminated");
      terminated.complete(null);
    }

    @Override
    public void transportInUse(boolean inUse) {
      this.inUse.add(inUse);
    }

    @Override
    public Attributes filterTransport(Attributes attrs) {
      order.add("filter");
      return attrs.toBuilder().set(FILTER_KEY, "client-filtered").build();
    }
  }

  /** Messages delivered to a stream listener, drained as they come. */
  abstract static class MessageRecorder implements StreamListener {
    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final AtomicInteger onReady = new AtomicInteger();

    @Override
    public void messagesAvailable(MessageProducer producer) {
      InputStream m;
      while ((m = producer.next()) != null) {
        messages.add(read(m));
      }
    }

    @Override
    public void onReady() {
      onReady.incrementAndGet();
    }
  }

  /** The outcome of a client stream. */
  static final class Closed {
    final Status status;
    final ClientStreamListener.RpcProgress progress;
    final Metadata trailers;

    Closed(Status status, ClientStreamListener.RpcProgress progress, Metadata trailers) {
      this.status = status;
      this.progress = progress;
      this.trailers = trailers;
    }
  }

  static class ClientStreamRecorder extends MessageRecorder implements ClientStreamListener {
    /** The stream this listener was started on, set by the test. */
    volatile io.grpc.internal.ClientStream clientStream;
    final CompletableFuture<Metadata> headers = new CompletableFuture<>();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();

    @Override
    public void headersRead(Metadata headers) {
      if (!this.headers.complete(headers)) {
        throw new AssertionError("headersRead twice");
      }
    }

    @Override
    public void closed(Status status, RpcProgress rpcProgress, Metadata trailers) {
      if (!closed.complete(new Closed(status, rpcProgress, trailers))) {
        throw new AssertionError("closed twice");
      }
    }
  }

  static final class ServerStreamRecorder extends MessageRecorder implements ServerStreamListener {
    final CompletableFuture<Void> halfClosed = new CompletableFuture<>();
    final CompletableFuture<Status> closed = new CompletableFuture<>();

    @Override
    public void halfClosed() {
      halfClosed.complete(null);
    }

    @Override
    public void closed(Status status) {
      if (!closed.complete(status)) {
        throw new AssertionError("closed twice");
      }
    }
  }

  /** A stream the server transport announced. */
  static final class ServerCall {
    final ServerStream stream;
    final String method;
    final Metadata headers;
    final ServerStreamRecorder listener = new ServerStreamRecorder();

    ServerCall(ServerStream stream, String method, Metadata headers) {
      this.stream = stream;
      this.method = method;
      this.headers = headers;
    }
  }

  static final class ServerTransportRecorder implements ServerTransportListener {
    final ServerTransport transport;
    final BlockingQueue<ServerCall> calls = new LinkedBlockingQueue<>();
    final CompletableFuture<Attributes> ready = new CompletableFuture<>();
    final CompletableFuture<Void> terminated = new CompletableFuture<>();
    static final Attributes.Key<String> FILTER_KEY = Attributes.Key.create("server-filter-key");

    ServerTransportRecorder(ServerTransport transport) {
      this.transport = transport;
    }

    @Override
    public void streamCreated(ServerStream stream, String method, Metadata headers) {
      ServerCall c = new ServerCall(stream, method, headers);
      stream.setListener(c.listener);
      calls.add(c);
    }

    @Override
    public Attributes transportReady(Attributes attributes) {
      Attributes a = attributes.toBuilder().set(FILTER_KEY, "server-filtered").build();
      ready.complete(a);
      return a;
    }

    @Override
    public void transportTerminated() {
      terminated.complete(null);
    }
  }

  static final class ServerRecorder implements ServerListener {
    final BlockingQueue<ServerTransportRecorder> transports = new LinkedBlockingQueue<>();
    final CompletableFuture<Void> shutdown = new CompletableFuture<>();

    @Override
    public ServerTransportListener transportCreated(ServerTransport transport) {
      ServerTransportRecorder r = new ServerTransportRecorder(transport);
      transports.add(r);
      return r;
    }

    @Override
    public void serverShutdown() {
      if (!shutdown.complete(null)) {
        throw new AssertionError("serverShutdown twice");
      }
    }
  }
}
