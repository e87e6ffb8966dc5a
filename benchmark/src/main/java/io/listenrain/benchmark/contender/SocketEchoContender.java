package io.listenrain.benchmark.contender;

import io.listenrain.benchmark.spi.CallListener;
import io.listenrain.benchmark.spi.Contender;
import io.listenrain.benchmark.spi.ExecutorMode;
import io.listenrain.benchmark.spi.Payload;
import io.listenrain.benchmark.spi.Session;
import io.listenrain.benchmark.spi.Workload;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The loopback limit for one connection: plain blocking {@code java.net} sockets, 4-byte big-endian length-prefixed
 * frames, no serialization, no multiplexing. The client pipelines up to the parallelism: a writer thread drains a
 * queue of calls into a buffered stream (flushing when the queue runs dry), a reader thread matches responses to
 * calls in order (the server answers in order). The server streams each frame straight back through a 64 KiB
 * buffer, allocating nothing per call. As the original Go benchmark, each side has a reader and a writer, so the
 * loop never deadlocks on full socket buffers.
 */
final class SocketEchoContender implements Contender {
  private static final int BUFFER = 64 * 1024;

  @Override
  public String name() {
    return "socket-tcp";
  }

  @Override
  public String group() {
    return "socket";
  }

  @Override
  public String transport() {
    return "tcp";
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
  public Session open() throws IOException {
    ServerSocket listener = new ServerSocket();
    Socket client = null;
    try {
      listener.bind(Endpoints.loopbackEphemeral());
      Thread acceptor = new Thread(() -> acceptLoop(listener), "bench-socket-accept");
      acceptor.setDaemon(true);
      acceptor.start();
      client = new Socket();
      client.setTcpNoDelay(true);
      client.connect(listener.getLocalSocketAddress(), 10_000);
      return new ClientSession(listener, client);
    } catch (IOException | RuntimeException e) {
      listener.close();
      if (client != null) {
        client.close();
      }
      throw e;
    }
  }

  private static void acceptLoop(ServerSocket listener) {
    while (!listener.isClosed()) {
      Socket s;
      try {
        s = listener.accept();
        s.setTcpNoDelay(true);
      } catch (IOException e) {
        return; // closed
      }
      Thread t = new Thread(() -> echo(s), "bench-socket-server");
      t.setDaemon(true);
      t.start();
    }
  }

  /** Echoes frames in order until the peer closes; flushes whenever no more input is buffered. */
  private static void echo(Socket s) {
    try (s) {
      DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), BUFFER));
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), BUFFER));
      byte[] chunk = new byte[BUFFER];
      while (true) {
        int length;
        try {
          length = in.readInt();
        } catch (EOFException e) {
          return;
        }
        out.writeInt(length);
        copy(in, out, length, chunk);
        if (in.available() == 0) {
          out.flush();
        }
      }
    } catch (IOException e) {
      // The client went away; the session reports its own failures.
    }
  }

  private static void copy(InputStream in, OutputStream out, int length, byte[] chunk) throws IOException {
    int left = length;
    while (left > 0) {
      int n = in.read(chunk, 0, Math.min(left, chunk.length));
      if (n < 0) {
        throw new EOFException("peer closed inside a frame");
      }
      out.write(chunk, 0, n);
      left -= n;
    }
  }

  /** One call in flight: what was sent and who waits for it. */
  private static final class Call {
    final Payload payload;
    final CallListener listener;

    Call(Payload payload, CallListener listener) {
      this.payload = payload;
      this.listener = listener;
    }
  }

  private static final class ClientSession implements Session {
    private static final Call POISON = new Call(Payload.of(0), null);

    private final ServerSocket listener;
    private final Socket socket;
    private final LinkedBlockingQueue<Call> toWrite = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedQueue<Call> inFlight = new ConcurrentLinkedQueue<>();
    private final Thread writer;
    private final Thread reader;
    private volatile IOException failure;

    ClientSession(ServerSocket listener, Socket socket) throws IOException {
      this.listener = listener;
      this.socket = socket;
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), BUFFER));
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), BUFFER));
      writer = new Thread(() -> writeLoop(out), "bench-socket-client-writer");
      reader = new Thread(() -> readLoop(in), "bench-socket-client-reader");
      writer.setDaemon(true);
      reader.setDaemon(true);
      writer.start();
      reader.start();
    }

    @Override
    public void unary(Payload request, CallListener l) {
      IOException f = failure;
      if (f != null) {
        l.onFailure(f);
        return;
      }
      toWrite.add(new Call(request, l));
    }

    private void writeLoop(DataOutputStream out) {
      try {
        while (true) {
          Call c = toWrite.take();
          while (c != null) {
            if (c == POISON) {
              out.flush();
              return;
            }
            inFlight.add(c); // before the bytes leave, so the reader always finds it
            out.writeInt(c.payload.size());
            c.payload.writeTo(out);
            c = toWrite.poll();
          }
          out.flush();
        }
      } catch (IOException e) {
        fail(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void readLoop(DataInputStream in) {
      byte[] buf = new byte[BUFFER];
      try {
        while (true) {
          int length = in.readInt();
          if (length < 0) {
            throw new IOException("negative frame length " + length);
          }
          if (buf.length < length) {
            buf = new byte[length];
          }
          in.readFully(buf, 0, length);
          Call c = inFlight.poll();
          if (c == null) {
            throw new IOException("response without a call");
          }
          if (c.payload.matches(buf, 0, length)) {
            c.listener.onResponse();
          } else {
            c.listener.onFailure(c.payload.mismatch(length));
          }
        }
      } catch (IOException e) {
        fail(e);
      }
    }

    private void fail(IOException e) {
      if (failure == null) {
        failure = e;
      }
      try {
        socket.close();
      } catch (IOException ignored) {
        // already failing
      }
      Call c;
      while ((c = inFlight.poll()) != null) {
        c.listener.onFailure(e);
      }
      while ((c = toWrite.poll()) != null) {
        if (c != POISON) {
          c.listener.onFailure(e);
        }
      }
    }

    @Override
    public void close() throws IOException, InterruptedException {
      toWrite.add(POISON);
      writer.join(5_000);
      socket.shutdownOutput();
      listener.close();
      socket.close();
      reader.join(5_000);
      writer.interrupt();
    }
  }
}
