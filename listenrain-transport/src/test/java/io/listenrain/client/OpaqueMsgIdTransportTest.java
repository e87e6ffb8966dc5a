package io.listenrain.client;

import static io.listenrain.testing.NativeFixtures.ANY_LOOPBACK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.listenrain.codec.BytesMessage;
import io.listenrain.codec.MessageCodec;
import io.listenrain.codec.MsgId;
import io.listenrain.codec.MsgIdException;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.config.TransportKey;
import io.listenrain.errors.CallTimeoutException;
import io.listenrain.errors.MsgIdInUseException;
import io.listenrain.server.Server;
import io.listenrain.server.ServerTransports;
import io.listenrain.testing.NativeFixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The core's opaque-msgID path with a codec written here: a 1-byte id length, the id's bytes, the payload. Calls are
 * keyed by the bytes; the router sees them exactly; a second call with an id in flight is refused; cancelling by the
 * id works; a reply carrying another id is refused.
 */
class OpaqueMsgIdTransportTest {

  /** {@code | id length (1) | id bytes | payload |}: variable-length opaque ids. */
  static final class VarIdCodec implements MessageCodec<BytesMessage> {
    @Override
    public MsgIdKind msgIdKind() {
      return MsgIdKind.OPAQUE;
    }

    @Override
    public MsgId opaqueMsgId(BytesMessage message) {
      return message.opaqueMsgId();
    }

    @Override
    public ByteBuf encode(BytesMessage message, ByteBufAllocator alloc) {
      byte[] id = message.opaqueMsgId().toByteArray();
      ByteBuf out = alloc.buffer(1 + id.length + message.payload().readableBytes());
      out.writeByte(id.length).writeBytes(id).writeBytes(message.payload(), message.payload().readerIndex(),
          message.payload().readableBytes());
      return out;
    }

    @Override
    public BytesMessage decode(ByteBuf packet) {
      if (!packet.isReadable() || packet.readableBytes() < 1 + packet.getUnsignedByte(packet.readerIndex())) {
        packet.release();
        throw new MsgIdException("packet too short for its id");
      }
      byte[] id = new byte[packet.readUnsignedByte()];
      packet.readBytes(id);
      return new BytesMessage(MsgId.wrap(id), packet);
    }
  }

  private static ProtocolSpec<BytesMessage> spec() {
    return ProtocolSpec.builder("var-id", new VarIdCodec()).build();
  }

  private static BytesMessage message(String id, String text) {
    return new BytesMessage(MsgId.of(id), Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
  }

  @Test
  void callsAreKeyedByTheIdsBytesAndTheRouterSeesThemExactly() throws Exception {
    AtomicReference<MsgId> seen = new AtomicReference<>();
    Server server = ServerTransports.listen(ANY_LOOPBACK, spec(), (response, msgId, request) -> {
      seen.set(response.opaqueMsgId());
      response.send(request);
    });
    Transport<BytesMessage> client = Transport.create(TransportKey.of("var-id", server.localAddress()), spec());
    try {
      // Ids that differ only in padding or case are different calls.
      CompletableFuture<BytesMessage> a = client.send(message("0009", "a"));
      CompletableFuture<BytesMessage> b = client.send(message("  9", "b"));
      CompletableFuture<BytesMessage> c = client.send(message("", "blank"));
      assertThat(NativeFixtures.textOf(a.get(5, TimeUnit.SECONDS))).isEqualTo("a");
      assertThat(NativeFixtures.textOf(b.get(5, TimeUnit.SECONDS))).isEqualTo("b");
      BytesMessage blank = c.get(5, TimeUnit.SECONDS);
      assertThat(blank.opaqueMsgId().length()).isZero();
      blank.release();
      BytesMessage last = client.send(message("über-✓", "x")).get(5, TimeUnit.SECONDS);
      assertThat(last.opaqueMsgId()).isEqualTo(MsgId.of("über-✓"));
      last.release();
      assertThat(seen.get()).isEqualTo(MsgId.of("über-✓"));
    } finally {
      client.shutdownNow();
      server.shutdownNow();
    }
  }

  @Test
  void anIdInFlightIsRefusedAndACallCanBeCancelledByItsId() throws Exception {
    Server server = ServerTransports.listen(ANY_LOOPBACK, spec(), (response, msgId, request) -> request.release());
    Transport<BytesMessage> client = Transport.create(TransportKey.of("var-id", server.localAddress()), spec());
    try {
      CompletableFuture<BytesMessage> first = client.send(message("uuid-1", "a"), Duration.ofSeconds(30));
      assertThatThrownBy(() -> client.send(message("uuid-1", "b"))).isInstanceOf(MsgIdInUseException.class)
          .satisfies(e -> assertThat(((MsgIdInUseException) e).opaqueMsgId()).isEqualTo(MsgId.of("uuid-1")));
      assertThat(client.cancel(MsgId.of("uuid-2"))).isFalse();
      assertThat(client.cancel(MsgId.of("uuid-1"))).isTrue();
      assertThatThrownBy(() -> first.get(5, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
      // The id is free again.
      CompletableFuture<BytesMessage> again = client.send(message("uuid-1", "c"), Duration.ofSeconds(30));
      assertThat(again.cancel(false)).isTrue();
    } finally {
      client.shutdownNow();
      server.shutdownNow();
    }
  }

  @Test
  void aReplyCarryingAnotherIdIsRefused() throws Exception {
    CompletableFuture<Throwable> refused = new CompletableFuture<>();
    Server server = ServerTransports.listen(ANY_LOOPBACK, spec(), (response, msgId, request) -> {
      request.release();
      try {
        response.send(message("other", "x"));
        refused.complete(null);
      } catch (IllegalArgumentException e) {
        refused.complete(e);
      }
    });
    Transport<BytesMessage> client = Transport.create(TransportKey.of("var-id", server.localAddress()), spec());
    try {
      CompletableFuture<BytesMessage> call = client.send(message("mine", "a"), Duration.ofMillis(300));
      assertThat(refused.get(5, TimeUnit.SECONDS)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(CallTimeoutException.class);
    } finally {
      client.shutdownNow();
      server.shutdownNow();
    }
  }
}
