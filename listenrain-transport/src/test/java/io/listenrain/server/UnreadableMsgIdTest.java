package io.listenrain.server;

import static io.listenrain.testing.NativeFixtures.ANY_LOOPBACK;
import static io.listenrain.testing.NativeFixtures.bytesSpec;
import static io.listenrain.testing.NativeFixtures.echo;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A request whose msgID cannot be read (shorter than the codec's id field): the native server drops that packet alone
 * (its length prefix kept the stream in step), counts it in {@link ServerStats#badMsgIds()}, writes at most one
 * WARNING for the connection, naming the peer, and answers the valid request that follows on the same connection.
 */
class UnreadableMsgIdTest {

  @Test
  void requestsWithoutAReadableIdAreDroppedCountedAndLoggedOncePerConnection() throws Exception {
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        records.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger logger = Logger.getLogger(ServerConnection.class.getName());
    logger.addHandler(capture);
    Server server = ServerTransports.listen(ANY_LOOPBACK, bytesSpec().build(), echo());
    InetSocketAddress address = (InetSocketAddress) server.localAddress();
    try (Socket s = new Socket(address.getAddress(), address.getPort())) {
      s.setSoTimeout(10_000);
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      for (int size : new int[] {0, 3, 7}) {
        out.writeInt(size);
        out.write(new byte[size]);
      }
      out.writeInt(8 + 2);
      out.writeLong(0x0102030405060708L);
      out.write(new byte[] {'o', 'k'});
      out.flush();
      DataInputStream in = new DataInputStream(s.getInputStream());
      assertThat(in.readInt()).isEqualTo(10);
      assertThat(in.readLong()).isEqualTo(0x0102030405060708L);
      assertThat(in.readShort()).isEqualTo((short) ('o' << 8 | 'k'));
      assertThat(server.stats().badMsgIds()).isEqualTo(3);
      assertThat(server.stats().requests()).isEqualTo(1);
      String peer = String.valueOf(s.getLocalPort());
      long lines = records.stream()
          .filter(r -> r.getLevel() == Level.WARNING && r.getMessage().contains(peer)).count();
      assertThat(lines).as("lines for this connection (the kind's rate limit may hold back even that one)")
          .isLessThanOrEqualTo(1);
      assertThat(records).noneMatch(r -> r.getLevel().intValue() > Level.FINE.intValue() && r.getThrown() != null);
    } finally {
      logger.removeHandler(capture);
      server.shutdownNow();
      server.closeFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
