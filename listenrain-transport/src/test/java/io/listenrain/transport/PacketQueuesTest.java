package io.listenrain.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PacketQueuesTest {

  @Test
  void refusesExactlyBeyondItsCapacityEvenWhenNotAPowerOfTwo() {
    for (int capacity : new int[] {1, 3, 1000, 3000}) {
      PacketQueue q = PacketQueues.bounded(capacity);
      for (int i = 0; i < capacity; i++) {
        assertThat(q.offer(Unpooled.EMPTY_BUFFER)).as("offer %d of %d", i, capacity).isTrue();
      }
      assertThat(q.offer(Unpooled.EMPTY_BUFFER)).as("one more than %d", capacity).isFalse();
      assertThat(q.size()).isEqualTo(capacity);
      assertThat(q.poll()).isNotNull();
      assertThat(q.offer(Unpooled.EMPTY_BUFFER)).as("room again after a poll").isTrue();
    }
  }

  @Test
  void pollsInOfferOrder() {
    PacketQueue q = PacketQueues.bounded(10);
    List<ByteBuf> offered = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ByteBuf b = Unpooled.buffer(4).writeInt(i);
      offered.add(b);
      q.offer(b);
    }
    for (int i = 0; i < 10; i++) {
      assertThat(q.poll()).isSameAs(offered.get(i));
    }
    assertThat(q.poll()).isNull();
    assertThat(q.size()).isZero();
  }

  @Test
  void concurrentProducersNeverExceedTheCapacity() throws Exception {
    int capacity = 5000;
    PacketQueue q = PacketQueues.bounded(capacity);
    AtomicInteger accepted = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> producers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread th = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 2000; i++) {
          if (q.offer(Unpooled.EMPTY_BUFFER)) {
            accepted.incrementAndGet();
          }
        }
      });
      th.start();
      producers.add(th);
    }
    start.countDown();
    for (Thread th : producers) {
      th.join(30_000);
    }
    assertThat(accepted.get()).isEqualTo(capacity);
    int polled = 0;
    while (q.poll() != null) {
      polled++;
    }
    assertThat(polled).isEqualTo(capacity);
  }

  @Test
  void aCapacityBelowOneIsRejected() {
    assertThatThrownBy(() -> PacketQueues.bounded(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
