package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** This end's receive windows: what is taken on DATA, what goes back to the peer and when. */
class InboundFlowControllerTest {
  private static final int WINDOW = 1 << 20;
  private static final int CHUNK = 32 * 1024;

  /** What the peer was granted: its windows as it sees them. */
  private long peerConnectionWindow = WINDOW;
  private long peerStreamWindow = WINDOW;

  private InboundFlowController controller() {
    return new InboundFlowController(WINDOW, WINDOW, (id, inc) -> {
      if (id == 0) {
        peerConnectionWindow += inc;
      } else {
        peerStreamWindow += inc;
      }
    });
  }

  @Test
  void connectionCreditIsReturnedOnceSoALongLivedConnectionNeverOverflowsItsWindow() {
    InboundFlowController c = controller();
    InboundFlowController.StreamFlow s = c.newStream();
    long total = 4L << 30; // 4 GiB through one stream: twice what an int window can count
    for (long sent = 0; sent < total; sent += CHUNK) {
      peerConnectionWindow -= CHUNK;
      peerStreamWindow -= CHUNK;
      c.received(s, CHUNK);
      c.bytesRead(1, s, CHUNK);
      assertThat(peerConnectionWindow).isBetween(0L, (long) WINDOW);
      assertThat(peerStreamWindow).isBetween(0L, (long) WINDOW);
    }
  }

  @Test
  void streamCreditGoesBackOnlyAsTheApplicationReads() {
    InboundFlowController c = controller();
    InboundFlowController.StreamFlow s = c.newStream();
    for (int i = 0; i < WINDOW / CHUNK; i++) {
      peerConnectionWindow -= CHUNK;
      peerStreamWindow -= CHUNK;
      c.received(s, CHUNK);
    }
    assertThat(peerStreamWindow).isZero();
    assertThat(peerConnectionWindow).isEqualTo(WINDOW); // connection credit returned as bytes arrived
    assertThatThrownBy(() -> c.received(s, 1)).isInstanceOf(GrpcProtocolException.class);
    c.bytesRead(1, s, WINDOW / 2);
    assertThat(peerStreamWindow).isEqualTo(WINDOW / 2);
  }

  @Test
  void bytesForAClosedStreamStillReturnConnectionCredit() {
    InboundFlowController c = controller();
    for (int i = 0; i < 3 * WINDOW / CHUNK; i++) {
      peerConnectionWindow -= CHUNK;
      c.receivedForClosedStream(CHUNK);
      assertThat(peerConnectionWindow).isPositive();
    }
  }
}
