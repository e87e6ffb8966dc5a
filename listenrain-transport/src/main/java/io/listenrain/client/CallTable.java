package io.listenrain.client;

import io.listenrain.codec.MessageCodec;
import io.listenrain.codec.MsgId;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.errors.MsgIdInUseException;
import io.listenrain.state.StateMachine;
import io.listenrain.state.StateMachinePool;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The calls in flight of one {@link ClientTransport}, keyed by the codec's kind of msgID (see {@link MessageCodec}).
 * Whoever removes a call's entry ends it. Thread-safe; calls back into nothing.
 *
 * <ul>
 *   <li>{@link Longs}: {@code long} ids in the protocol's {@link StateMachinePool} (by default striped primitive
 *       maps, no allocation per call): the fast path.</li>
 *   <li>{@link Opaque}: {@link MsgId} bytes in a {@link ConcurrentHashMap}, compared exactly; each call also gets a
 *       local {@code long} (a counter) for the state machine callbacks and {@link Transport#cancel(long)}.</li>
 * </ul>
 */
abstract class CallTable<M> {
  final MessageCodec<M> codec;

  private CallTable(MessageCodec<M> codec) {
    this.codec = codec;
  }

  static <M> CallTable<M> of(ProtocolSpec<M> spec) {
    MessageCodec<M> codec = spec.messageCodec();
    return codec.msgIdKind() == MessageCodec.MsgIdKind.OPAQUE
        ? new Opaque<>(codec) : new Longs<>(codec, spec.newStateMachinePool());
  }

  /** A new call for {@code request}, not yet registered. */
  abstract Call<M> newCall(ClientTransport<M> t, M request, StateMachine<M> machine, long startNanos, long timeout);

  /** Registers {@code call}; throws {@link MsgIdInUseException} if its id is in flight (nothing changes then). */
  abstract void register(Call<M> call);

  /** Removes {@code call}'s entry if it is still there; whether it was. */
  abstract boolean remove(Call<M> call);

  /**
   * Removes and returns the call that {@code response} answers, or null.
   *
   * @throws io.listenrain.codec.MsgIdException if the codec cannot read the response's id
   */
  abstract Call<M> take(M response);

  /** Removes and returns the call with the local id {@code msgId}, or null. */
  abstract Call<M> take(long msgId);

  /** Removes and returns the call with the opaque id {@code id}, or null (always null for long ids). */
  abstract Call<M> take(MsgId id);

  abstract int size();

  /** Visits the registered calls; concurrent changes may or may not be seen. */
  abstract void forEach(Consumer<Call<M>> action);

  static final class Longs<M> extends CallTable<M> {
    private final StateMachinePool<Call<M>> pool;

    Longs(MessageCodec<M> codec, StateMachinePool<Call<M>> pool) {
      super(codec);
      this.pool = pool;
    }

    @Override
    Call<M> newCall(ClientTransport<M> t, M request, StateMachine<M> machine, long startNanos, long timeout) {
      return new Call<>(t, codec.msgId(request), null, machine, startNanos, timeout);
    }

    @Override
    void register(Call<M> call) {
      if (pool.putIfAbsent(call.msgId, call) != null) {
        throw new MsgIdInUseException(call.msgId);
      }
    }

    @Override
    boolean remove(Call<M> call) {
      return pool.remove(call.msgId, call);
    }

    @Override
    Call<M> take(M response) {
      return pool.remove(codec.msgId(response));
    }

    @Override
    Call<M> take(long msgId) {
      return pool.remove(msgId);
    }

    @Override
    Call<M> take(MsgId id) {
      return null;
    }

    @Override
    int size() {
      return pool.size();
    }

    @Override
    void forEach(Consumer<Call<M>> action) {
      pool.forEach((id, call) -> action.accept(call));
    }
  }

  static final class Opaque<M> extends CallTable<M> {
    private final ConcurrentHashMap<MsgId, Call<M>> calls = new ConcurrentHashMap<>(256);
    private final AtomicLong localIds = new AtomicLong();

    Opaque(MessageCodec<M> codec) {
      super(codec);
    }

    @Override
    Call<M> newCall(ClientTransport<M> t, M request, StateMachine<M> machine, long startNanos, long timeout) {
      MsgId id = codec.opaqueMsgId(request);
      if (id == null) {
        throw new NullPointerException(codec + " returned a null msgId");
      }
      return new Call<>(t, localIds.incrementAndGet(), id, machine, startNanos, timeout);
    }

    @Override
    void register(Call<M> call) {
      if (calls.putIfAbsent(call.opaqueMsgId, call) != null) {
        throw new MsgIdInUseException(call.opaqueMsgId);
      }
    }

    @Override
    boolean remove(Call<M> call) {
      return calls.remove(call.opaqueMsgId, call);
    }

    @Override
    Call<M> take(M response) {
      return calls.remove(codec.opaqueMsgId(response));
    }

    @Override
    Call<M> take(long msgId) {
      for (Call<M> c : calls.values()) {
        if (c.msgId == msgId && calls.remove(c.opaqueMsgId, c)) {
          return c;
        }
      }
      return null;
    }

    @Override
    Call<M> take(MsgId id) {
      return calls.remove(id);
    }

    @Override
    int size() {
      return calls.size();
    }

    @Override
    void forEach(Consumer<Call<M>> action) {
      calls.values().forEach(action);
    }
  }
}
