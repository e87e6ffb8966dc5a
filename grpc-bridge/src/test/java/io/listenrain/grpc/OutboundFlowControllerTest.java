package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The outbound flow controller: windows, frame splitting, round-robin between streams, control-frame order. */
class OutboundFlowControllerTest {
  private static final int FRAME = 16 * 1024;
  private final List<String> written = new ArrayList<>();

  private OutboundFlowController controller(int streamWindow, int connectionWindow) {
    return new OutboundFlowController(ByteBufAllocator.DEFAULT, frame -> {
      int at = frame.readerIndex();
      int type = frame.getUnsignedByte(at + Wire.OFFSET_TYPE);
      int flags = frame.getUnsignedByte(at + Wire.OFFSET_FLAGS);
      int id = frame.getInt(at + Wire.OFFSET_STREAM_ID);
      written.add(Wire.typeName(type) + " " + id + " " + (frame.readableBytes() - 6)
          + ((type == Wire.DATA && (flags & Wire.FLAG_END_STREAM) != 0) ? " END" : ""));
      frame.release();
    }, new Settings(FRAME, streamWindow, connectionWindow, 100, 8192));
  }

  private static ByteBuf bytes(int n) {
    return Unpooled.buffer(n).writeZero(n);
  }

  @Test
  void largeMessagesAreSplitIntoFramesAndInterleavedRoundRobin() {
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
  }

  @Test
  void streamWindowStopsOneStreamButNotTheOthers() {
    OutboundFlowController c = controller(1000, 1 << 30);
    OutboundFlowController.StreamState a = new OutboundFlowController.StreamState(n -> {});
    OutboundFlowController.StreamState b = new OutboundFlowController.StreamState(n -> {});
    c.activate(a, 1);
    c.activate(b, 3);
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
    OutboundFlowController.StreamState a = new OutboundFlowController.StreamState(n -> {});
    c.activate(a, 1);
    c.enqueueData(a, bytes(1500), true);
    c.writePending();
    assertThat(written).containsExactly("DATA 1 1000");
    c.connectionWindowUpdate(500);
    c.writePending();
    assertThat(written).containsExactly("DATA 1 1000", "DATA 1 500 END");
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
}
