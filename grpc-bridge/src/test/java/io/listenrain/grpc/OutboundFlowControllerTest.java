package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The outbound flow controller: windows, frame splitting, per-turn quantum, the small-call line, the bound on partly
 * written messages, control-frame order, cancel.
 */
class OutboundFlowControllerTest {
  private static final int FRAME = 16 * 1024;
  private static final int MANY = Integer.MAX_VALUE;
  private final List<String> written = new ArrayList<>();

  private OutboundFlowController controller(int streamWindow, int connectionWindow) {
    return controller(streamWindow, connectionWindow, FRAME, MANY);
  }

  private OutboundFlowController controller(int streamWindow, int connectionWindow, int quantum, int maxPartial) {
    return new OutboundFlowController(ByteBufAllocator.DEFAULT, frame -> {
      try {
        written.add(describe(frame));
      } finally {
        frame.release();
      }
    }, new Settings(FRAME, streamWindow, connectionWindow, 100, 8192), quantum, maxPartial);
  }

  private static String describe(ByteBuf frame) {
    int at = frame.readerIndex();
    int type = frame.getUnsignedByte(at + Wire.OFFSET_TYPE);
    int flags = frame.getUnsignedByte(at + Wire.OFFSET_FLAGS);
    int id = frame.getInt(at + Wire.OFFSET_STREAM_ID);
    return Wire.typeName(type) + " " + id + " " + (frame.readableBytes() - 6)
        + ((type == Wire.DATA && (flags & Wire.FLAG_END_STREAM) != 0) ? " END" : "");
  }

  private static ByteBuf bytes(int n) {
    return Unpooled.buffer(n).writeZero(n);
  }

  private static OutboundFlowController.StreamState stream(OutboundFlowController c, int id, int... messages) {
    OutboundFlowController.StreamState s = new OutboundFlowController.StreamState(n -> {});
    c.activate(s, id);
    for (int i = 0; i < messages.length; i++) {
      c.enqueueData(s, bytes(messages[i]), i == messages.length - 1);
    }
    return s;
  }

  @Test
  void largeMessagesAreSplitIntoFramesAndASmallCallInterleaves() {
    OutboundFlowController c = controller(1 << 30, 1 << 30);
    AtomicInteger sentA = new AtomicInteger();
    AtomicInteger sentB = new AtomicInteger();
    OutboundFlowController.StreamState a = new OutboundFlowController.StreamState(sentA::addAndGet);
    OutboundFlowController.StreamState b = new OutboundFlowController.StreamState(sentB::addAndGet);
    c.activate(a, 1);
    c.activate(b, 3);
    c.enqueueData(a, bytes(3 * FRAME), true);
    c.enqueueData(b, bytes(10), true);
    c.writePending();
    assertThat(written).containsExactly(
        "DATA 1 16384", "DATA 3 10 END", "DATA 1 16384", "DATA 1 16384 END");
    assertThat(sentA.get()).isEqualTo(3 * FRAME);
    assertThat(sentB.get()).isEqualTo(10);
    assertThat(c.dataFrames()).isEqualTo(4);
  }

  @Test
  void aMessageJustOverTheQuantumLeavesInOneTurn() {
    OutboundFlowController c = controller(1 << 30, 1 << 30, FRAME, MANY);
    stream(c, 1, FRAME + 10);
    stream(c, 3, FRAME + 10);
    c.writePending();
    // One frame per turn would leave each 10-byte tail behind every other stream's frame.
    assertThat(written).containsExactly("DATA 1 16384", "DATA 1 10 END", "DATA 3 16384", "DATA 3 10 END");
  }

  @Test
  void aTailQueuedInItsOwnBufferRidesTheSameTurn() {
    OutboundFlowController c = controller(1 << 30, 1 << 30, FRAME, MANY);
    stream(c, 1, FRAME, 10);
    stream(c, 3, FRAME + 10);
    c.writePending();
    assertThat(written).containsExactly("DATA 1 16384", "DATA 1 10 END", "DATA 3 16384", "DATA 3 10 END");
  }

  @Test
  void largeStreamsTakeTurnsOfOneQuantum() {
    OutboundFlowController c = controller(1 << 30, 1 << 30, 2 * FRAME, MANY);
    stream(c, 1, 4 * FRAME);
    stream(c, 3, 4 * FRAME);
    c.writePending();
    assertThat(written).containsExactly(
        "DATA 1 16384", "DATA 1 16384", "DATA 3 16384", "DATA 3 16384",
        "DATA 1 16384", "DATA 1 16384 END", "DATA 3 16384", "DATA 3 16384 END");
  }

  @Test
  void aSmallCallWaitsForOneLargeTurnNotForEveryLargeStream() {
    OutboundFlowController c = controller(1 << 30, 1 << 30, 2 * FRAME, MANY);
    stream(c, 1, 8 * FRAME);
    stream(c, 3, 8 * FRAME);
    stream(c, 5, 8 * FRAME);
    stream(c, 7, 100);
    c.writePending();
    assertThat(written.subList(0, 3)).containsExactly("DATA 1 16384", "DATA 1 16384", "DATA 7 100 END");
    assertThat(written).hasSize(3 * 8 + 1);
  }

  @Test
  void smallCallsAlternateWithLargeTurnsSoLargeStreamsStillMove() {
    OutboundFlowController c = controller(1 << 30, 1 << 30, FRAME, MANY);
    stream(c, 1, 3 * FRAME);
    stream(c, 3, 10);
    stream(c, 5, 10);
    stream(c, 7, 10);
    c.writePending();
    assertThat(written).containsExactly("DATA 1 16384", "DATA 3 10 END", "DATA 1 16384", "DATA 5 10 END",
        "DATA 1 16384 END", "DATA 7 10 END");
  }

  @Test
  void atMostMaxPartialStreamsHoldAPartlyWrittenMessage() {
    OutboundFlowController c = controller(1 << 30, 1 << 30, FRAME, 2);
    for (int id = 1; id <= 7; id += 2) {
      stream(c, id, 3 * FRAME);
    }
    c.writePending();
    assertThat(written).containsExactly(
        "DATA 1 16384", "DATA 3 16384", "DATA 1 16384", "DATA 3 16384", "DATA 1 16384 END", "DATA 3 16384 END",
        "DATA 5 16384", "DATA 7 16384", "DATA 5 16384", "DATA 7 16384", "DATA 5 16384 END", "DATA 7 16384 END");
    assertThat(c.partialStreams()).isZero();
    assertThat(c.deferredStreams()).isZero();
  }

  @Test
  void aStreamThatFitsInOneTurnIsNeverDeferred() {
    OutboundFlowController c = controller(1 << 30, 1 << 30, FRAME, 1);
    stream(c, 1, 3 * FRAME);
    stream(c, 3, 3 * FRAME);
    stream(c, 5, FRAME + 10);
    c.writePending();
    assertThat(written).containsExactly("DATA 1 16384", "DATA 5 16384", "DATA 5 10 END", "DATA 1 16384",
        "DATA 1 16384 END", "DATA 3 16384", "DATA 3 16384", "DATA 3 16384 END");
  }

  @Test
  void aPartialStreamStoppedByItsOwnWindowFreesItsSlot() {
    OutboundFlowController c = controller(FRAME, 1 << 30, FRAME, 1);
    OutboundFlowController.StreamState a = stream(c, 1, 3 * FRAME);
    OutboundFlowController.StreamState b = stream(c, 3, 3 * FRAME);
    c.writePending();
    assertThat(written).containsExactly("DATA 1 16384", "DATA 3 16384");
    assertThat(c.partialStreams()).isEqualTo(2);
    assertThat(c.streamBlocks()).isEqualTo(2);
    c.streamWindowUpdate(a, 2 * FRAME);
    c.writePending();
    assertThat(written).containsExactly("DATA 1 16384", "DATA 3 16384", "DATA 1 16384", "DATA 1 16384 END");
    c.streamWindowUpdate(b, 2 * FRAME);
    c.writePending();
    assertThat(written).hasSize(6).endsWith("DATA 3 16384", "DATA 3 16384 END");
    assertThat(c.partialStreams()).isZero();
  }

  @Test
  void streamWindowStopsOneStreamButNotTheOthers() {
    OutboundFlowController c = controller(1000, 1 << 30);
    OutboundFlowController.StreamState a = stream(c, 1);
    OutboundFlowController.StreamState b = stream(c, 3);
    c.enqueueData(a, bytes(2500), false);
    c.enqueueData(b, bytes(500), false);
    c.writePending();
    assertThat(written).containsExactly("DATA 1 1000", "DATA 3 500");
    c.streamWindowUpdate(a, 2000);
    c.writePending();
    assertThat(written).containsExactly("DATA 1 1000", "DATA 3 500", "DATA 1 1500");
  }

  @Test
  void connectionWindowIsSharedAndRefilled() {
    OutboundFlowController c = controller(1 << 20, 1000);
    stream(c, 1, 1500);
    c.writePending();
    assertThat(written).containsExactly("DATA 1 1000");
    assertThat(c.connectionBlocks()).isEqualTo(1);
    c.connectionWindowUpdate(500);
    c.writePending();
    assertThat(written).containsExactly("DATA 1 1000", "DATA 1 500 END");
  }

  @Test
  void aTurnStoppedByTheConnectionWindowResumesWithTheSameStream() {
    OutboundFlowController c = controller(1 << 30, FRAME + 100, 2 * FRAME, MANY);
    stream(c, 1, 2 * FRAME);
    stream(c, 3, 2 * FRAME);
    c.writePending();
    assertThat(written).containsExactly("DATA 1 16384", "DATA 1 100");
    c.connectionWindowUpdate(1 << 20);
    c.writePending();
    assertThat(written).containsExactly("DATA 1 16384", "DATA 1 100", "DATA 1 16284 END", "DATA 3 16384",
        "DATA 3 16384 END");
  }

  @Test
  void controlFramesKeepTheirPlaceBehindDataAndAreNotFlowControlled() {
    OutboundFlowController c = controller(100, 1 << 20);
    OutboundFlowController.StreamState a = new OutboundFlowController.StreamState(n -> {});
    c.activate(a, 2);
    List<String> after = new ArrayList<>();
    c.enqueueControl(a, FrameWriter.responseHeaders(ByteBufAllocator.DEFAULT, 2, new byte[0][]), null);
    c.enqueueData(a, bytes(150), false);
    c.enqueueControl(a, FrameWriter.trailers(ByteBufAllocator.DEFAULT, 2, 0, null, new byte[0][]),
        () -> after.add("trailers written"));
    c.writePending();
    assertThat(written).containsExactly("HEADERS 2 4", "DATA 2 100");
    assertThat(after).isEmpty();
    c.streamWindowUpdate(a, 100);
    c.writePending();
    assertThat(written).containsExactly("HEADERS 2 4", "DATA 2 100", "DATA 2 50", "TRAILERS 2 12");
    assertThat(after).containsExactly("trailers written");
  }

  @Test
  void inactiveStreamsWaitAndCancelledStreamsReleaseWhatTheyQueued() {
    OutboundFlowController c = controller(1 << 20, 1 << 20);
    OutboundFlowController.StreamState a = new OutboundFlowController.StreamState(n -> {});
    ByteBuf data = bytes(10);
    c.enqueueData(a, data, true);
    c.writePending();
    assertThat(written).isEmpty();
    c.activate(a, 5);
    c.writePending();
    assertThat(written).containsExactly("DATA 5 10 END");

    OutboundFlowController.StreamState b = new OutboundFlowController.StreamState(n -> {});
    ByteBuf queued = bytes(10);
    c.enqueueData(b, queued, false);
    c.cancel(b);
    assertThat(queued.refCnt()).isZero();
    ByteBuf late = bytes(10);
    c.enqueueData(b, late, false);
    assertThat(late.refCnt()).isZero();
  }

  @Test
  void cancellingAPartialStreamReleasesItsRestAndLetsADeferredStreamStart() {
    OutboundFlowController c = controller(1 << 30, FRAME, FRAME, 1);
    OutboundFlowController.StreamState a = new OutboundFlowController.StreamState(n -> {});
    c.activate(a, 1);
    ByteBuf big = bytes(3 * FRAME);
    c.enqueueData(a, big, true);
    stream(c, 3, 3 * FRAME);
    c.writePending();
    assertThat(written).containsExactly("DATA 1 16384");
    assertThat(c.deferredStreams()).isEqualTo(1);
    c.cancel(a);
    assertThat(big.refCnt()).isZero();
    assertThat(c.partialStreams()).isZero();
    c.connectionWindowUpdate(1 << 20);
    c.writePending();
    assertThat(written).containsExactly("DATA 1 16384", "DATA 3 16384", "DATA 3 16384", "DATA 3 16384 END");
  }

  @Test
  void rejectsANonPositiveQuantumOrBound() {
    Settings peer = Settings.defaults();
    assertThatThrownBy(() -> new OutboundFlowController(ByteBufAllocator.DEFAULT, ByteBuf::release, peer, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OutboundFlowController(ByteBufAllocator.DEFAULT, ByteBuf::release, peer, 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
