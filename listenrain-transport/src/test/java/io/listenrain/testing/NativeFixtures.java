package io.listenrain.testing;

import io.listenrain.codec.BytesMessage;
import io.listenrain.codec.RawBytesMessageCodec;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.server.ServerRouter;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Shared pieces of the native transport tests: bytes messages, an echo router, named callback threads. */
public final class NativeFixtures {
  public static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

  private NativeFixtures() {}

  public static ProtocolSpec.Builder<BytesMessage> bytesSpec() {
    return ProtocolSpec.builder("bytes", RawBytesMessageCodec.instance());
  }

  public static BytesMessage message(long msgId, String text) {
    return new BytesMessage(msgId, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
  }

  /** Reads the text of {@code m} and releases it. */
  public static String textOf(BytesMessage m) {
    try {
      return m.payload().toString(StandardCharsets.UTF_8);
    } finally {
      m.release();
    }
  }

  /** Answers every request with its own bytes. */
  public static ServerRouter<BytesMessage> echo() {
    return (response, msgId, message) -> response.send(message);
  }

  public static ExecutorService namedPool(String prefix, int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory f = r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    return Executors.newFixedThreadPool(threads, f);
  }
}
