package io.listenrain.benchmark.contender;

import io.listenrain.benchmark.spi.CallListener;
import io.listenrain.benchmark.spi.Contender;
import io.listenrain.benchmark.spi.ExecutorMode;
import io.listenrain.benchmark.spi.Payload;
import io.listenrain.benchmark.spi.Session;
import io.listenrain.benchmark.spi.Workload;
import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelAcceptor;
import io.listenrain.channel.Channels;
import io.listenrain.channel.InProcessAddress;
import io.listenrain.codec.LengthPrefixedPacketCodec;
import io.listenrain.errors.ConnectionClosedException;
import io.listenrain.transport.Connection;
import io.listenrain.transport.PacketHandler;
import io.listenrain.transport.PacketQueues;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * ListenRain's core without a protocol on top, standing in for the native row until the native API lands: a
 * {@link Connection} over {@link Channels} with the {@link LengthPrefixedPacketCodec}, each packet an 8-byte
 * big-endian call id followed by the payload. The client correlates replies by id itself (a concurrent map, as the
 * original's state-machine pool); the server sends every packet back as it came, without copying it. Calls complete
 * on the client's I/O thread ({@link ExecutorMode#NONE}).
 *
 * <pre>
 * +---------------------------+--------------------+---------------------+
 * | length (4, BE, the codec) | call id (8, BE)    | payload ...         |
 * +---------------------------+--------------------+---------------------+
 * </pre>
 */
final class RawListenRainContender implements Contender {
  private static final int ID_LENGTH = Long.BYTES;
  private static final int QUEUE_CAPACITY = PacketQueues.DEFAULT_CAPACITY;

  private final String transport;
  private final Function<String, SocketAddress> address;
  private final boolean needsNative;

  private RawListenRainContender(String transport, Function<String, SocketAddress> address, boolean needsNative) {
    this.transport = transport;
    this.address = address;
    this.needsNative = needsNative;
  }

  /** Over loopback TCP (epoll when available, else NIO, as {@link Channels} picks). */
  static RawListenRainContender tcp() {
    return new RawListenRainContender("tcp", name -> Endpoints.loopbackEphemeral(), false);
  }

  /** Over a Unix domain socket (native epoll where available, else the JDK's channel). */
  static RawListenRainContender unix() {
    return new RawListenRainContender("unix", name -> UnixDomainSocketAddress.of(Endpoints.socketFile(name)), true);
  }

  /** Over an in-process pipe. */
  static RawListenRainContender pipe() {
    return new RawListenRainContender("pipe", InProcessAddress::new, false);
  }

  @Override
  public String name() {
    return "listenrain-raw-" + transport;
  }

  @Override
  public String group() {
    return "listenrain-raw";
  }

  @Override
  public String transport() {
    return transport;
  }

  @Override
  public ExecutorMode executorMode() {
    return ExecutorMode.NONE;
  }

  @Override
  public Set<Workload> workloads() {
    return Set.of(Workload.UNARY);
  }

  @Override
  public boolean available() {
    return !needsNative || Channels.nativeTransportAvailable();
  }

  @Override
  public Session open() throws Exception {
    String endpoint = Endpoints.uniqueName();
    Queue<Connection> serverConnections = new ConcurrentLinkedQueue<>();
    ChannelAcceptor acceptor = Channels.listen(address.apply(endpoint), ch -> serverConnections.add(
        Connection.open(ch, LengthPrefixedPacketCodec.defaultCodec(), PacketQueues.bounded(QUEUE_CAPACITY),
            EchoHandler.INSTANCE)));
    try {
      Channel channel = Channels.dial(acceptor.localAddress()).get(10, TimeUnit.SECONDS);
      RawSession session = new RawSession(acceptor, serverConnections, endpoint);
      session.connection = Connection.open(channel, LengthPrefixedPacketCodec.defaultCodec(),
          PacketQueues.bounded(QUEUE_CAPACITY), session.new ClientHandler());
      return session;
    } catch (Exception | Error e) {
      acceptor.close();
      serverConnections.forEach(c -> c.abort(e));
      Endpoints.deleteSocketFile(endpoint);
      throw e;
    }
  }

  /** The server: sends each packet back unchanged; ownership passes to the connection's queue. */
  private static final class EchoHandler implements PacketHandler {
    static final EchoHandler INSTANCE = new EchoHandler();

    @Override
    public void packetReceived(Connection connection, ByteBuf packet) {
      try {
        connection.send(packet);
      } catch (RuntimeException e) { // queue full or closing: the packet is already released
        connection.abort(e);
      }
    }

    @Override
    public void connectionClosed(Connection connection, Throwable cause) {}
  }

  /** One call awaiting its reply. */
  private static final class Pending {
    final Payload payload;
    final CallListener listener;

    Pending(Payload payload, CallListener listener) {
      this.payload = payload;
      this.listener = listener;
    }
  }

  private static final class RawSession implements Session {
    private final ChannelAcceptor acceptor;
    private final Queue<Connection> serverConnections;
    private final String endpoint;
    private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong();
    volatile Connection connection;
    private volatile Throwable closedCause;

    RawSession(ChannelAcceptor acceptor, Queue<Connection> serverConnections, String endpoint) {
      this.acceptor = acceptor;
      this.serverConnections = serverConnections;
      this.endpoint = endpoint;
    }

    @Override
    public void unary(Payload request, CallListener listener) {
      Connection c = connection;
      long id = nextId.getAndIncrement();
      pending.put(id, new Pending(request, listener));
      CompositeByteBuf frame = c.alloc().compositeDirectBuffer(2);
      try {
        ByteBuf header = c.alloc().ioBuffer(ID_LENGTH, ID_LENGTH).writeLong(id);
        frame.addComponent(true, header);
        frame.addComponent(true, request.directBuffer().duplicate());
      } catch (RuntimeException | Error e) {
        frame.release();
        pending.remove(id);
        listener.onFailure(e);
        return;
      }
      try {
        c.send(frame); // takes ownership, also when it throws
      } catch (RuntimeException e) {
        if (pending.remove(id) != null) {
          listener.onFailure(e);
        }
        return;
      }
      Throwable closed = closedCause;
      if (closed != null && pending.remove(id) != null) {
        listener.onFailure(closed); // raced with connectionClosed's sweep
      }
    }

    @Override
    public void close() throws Exception {
      Connection c = connection;
      try {
        c.close().get(10, TimeUnit.SECONDS);
      } finally {
        acceptor.close();
        for (Connection s : serverConnections) {
          s.close().get(10, TimeUnit.SECONDS);
        }
        Endpoints.deleteSocketFile(endpoint);
      }
    }

    /** Correlates replies by call id and verifies them, on the client's I/O thread. */
    final class ClientHandler implements PacketHandler {
      @Override
      public void packetReceived(Connection conn, ByteBuf packet) {
        Pending p;
        boolean ok;
        long length = packet.readableBytes() - ID_LENGTH;
        try {
          if (length < 0) {
            conn.abort(new IllegalStateException("reply shorter than a call id: " + packet.readableBytes()));
            return;
          }
          long id = packet.readLong();
          p = pending.remove(id);
          if (p == null) {
            conn.abort(new IllegalStateException("reply to unknown call " + id));
            return;
          }
          ok = p.payload.matches(packet);
        } finally {
          packet.release();
        }
        if (ok) {
          p.listener.onResponse();
        } else {
          p.listener.onFailure(p.payload.mismatch(length));
        }
      }

      @Override
      public void connectionClosed(Connection conn, Throwable cause) {
        Throwable c = cause != null ? cause : new ConnectionClosedException("connection closed");
        closedCause = Objects.requireNonNull(c);
        for (Long id : pending.keySet()) {
          Pending p = pending.remove(id);
          if (p != null) {
            p.listener.onFailure(c);
          }
        }
      }
    }
  }
}
