package io.listenrain.benchmark.soak;

import io.listenrain.client.Transport;
import io.listenrain.codec.BytesMessage;
import io.listenrain.state.StateMachine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;

/**
 * Issues native calls on one client transport: the msgID and the first 8 payload bytes are the call's id; the
 * server's router echoes the message, so the response must carry both back.
 */
final class NativeLoad {
  private final Transport<BytesMessage> transport;
  private final CallLedger ledger;
  private final int payloadBytes;
  private final Duration timeout;

  NativeLoad(Transport<BytesMessage> transport, CallLedger ledger, int payloadBytes, Duration timeout) {
    this.transport = transport;
    this.ledger = ledger;
    this.payloadBytes = payloadBytes;
    this.timeout = timeout;
  }

  /** One call. */
  void call(ClosedLoopDriver.Done done) {
    long id = ledger.begin(CallKind.NATIVE);
    ByteBuf payload = PooledByteBufAllocator.DEFAULT.buffer(payloadBytes);
    payload.writeLong(id).writeZero(payloadBytes - Long.BYTES);
    try {
      transport.send(new BytesMessage(id, payload), new StateMachine<BytesMessage>() {
        @Override
        public void process(long msgId, BytesMessage response) {
          long echoed;
          try {
            ByteBuf c = response.content();
            echoed = msgId != id || c.readableBytes() < Long.BYTES ? -1 : c.getLong(c.readerIndex());
          } finally {
            response.release();
          }
          ledger.succeeded(id, echoed);
          done.done(false);
        }

        @Override
        public void timeout(long msgId) {
          ledger.failed(id, new Failure("CallTimeoutException", false));
          done.done(true);
        }

        @Override
        public void failed(long msgId, Throwable cause) {
          ledger.failed(id, Failure.of(cause));
          done.done(true);
        }
      }, timeout);
    } catch (RuntimeException e) {
      // send released the request on rejection
      ledger.failed(id, Failure.of(e));
      done.done(true);
    }
  }
}
