package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Connection-level receive credit: every byte received is given back to the peer exactly once. Lives in interop-tests
 * (same package, to reach the package-private controller) because it was found here: giving credit both on receipt
 * and again on read grew the window by every byte read, so after ~2 GiB through one connection the receiver's int
 * window overflowed and it closed the connection as "peer overran the connection window". Belongs next to the
 * controller in grpc-bridge (named ListenRain* here only so the interop run command, -Dtest=ListenRain*, picks it up).
 */
class ListenRainInboundFlowControllerCreditTest {
  private static final int WINDOW = 1024;

  private long connectionCredit;
  private long streamCredit;

  private final InboundFlowController controller = new InboundFlowController(WINDOW, WINDOW, (id, inc) -> {
    if (id == 0) {
      connectionCredit += inc;
    } else {
      streamCredit += inc;
    }
  });

  @Test
  void connectionCreditIsReturnedOncePerByteReceivedAndRead() {
    InboundFlowController.StreamFlow s = controller.newStream();
    long received = 0;
    for (int i = 0; i < 1000; i++) {
      controller.received(s, 512);
      received += 512;
      controller.bytesRead(1, s, 512);
    }
    // Credit lags by at most the batching threshold (half a window), and never exceeds what arrived.
    assertThat(connectionCredit).isBetween(received - WINDOW / 2, received);
    assertThat(streamCredit).isBetween(received - WINDOW / 2, received);
  }

  @Test
  void thePeerCanNeverHaveMoreThanOneWindowOutstanding() {
    InboundFlowController.StreamFlow s = controller.newStream();
    // The peer's view: what it may still send on the connection.
    long peerConnectionWindow = WINDOW;
    for (int i = 0; i < 10_000; i++) {
      int n = (int) Math.min(256, peerConnectionWindow);
      controller.received(s, n);
      peerConnectionWindow -= n;
      controller.bytesRead(1, s, n);
      long before = connectionCredit;
      peerConnectionWindow += connectionCredit;
      connectionCredit = 0;
      assertThat(peerConnectionWindow).as("peer window after %d rounds (credit %d)", i, before)
          .isLessThanOrEqualTo(WINDOW);
    }
  }
}
