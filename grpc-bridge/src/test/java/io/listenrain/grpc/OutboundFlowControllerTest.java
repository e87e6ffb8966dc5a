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
  void aStreamListedWithHeadersOnlyWhoseBodyThenArrivesWaitsWithTheLargeStreams() {
    OutboundFlowController c = controller(1 << 30, 1 << 30, 2 * FRAME, MANY);
    OutboundFlowController.StreamState response = stream(c, 2);
    c.enqueueControl(response, FrameWriter.responseHeaders(ByteBufAllocator.DEFAULT, 2, new byte[0][]), null);
    stream(c, 4, 4 * FRAME);
    stream(c, 6, 100);
    c.enqueueData(response, bytes(4 * FRAME), true);
    c.writePending();
    // Stream 2 joins the large line when its small-line turn comes, behind stream 4: the small call 6 goes first.
    assertThat(written).containsExactly("DATA 4 16384", "DATA 4 16384", "DATA 6 100 END",
        "DATA 4 16384", "DATA 4 16384 END", "HEADERS 2 4", "DATA 2 16384", "DATA 2 16384",
        "DATA 2 16384", "DATA 2 16384 END");
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
  void aStreamThatKeepsQueueingGivesItsPlaceUpAfterEachBatch() {
    OutboundFlowController c = controller(1 << 30, FRAME, FRAME, 1);
    OutboundFlowController.StreamState a = stream(c, 1);
    c.enqueueData(a, bytes(2 * FRAME), false);
    stream(c, 3, 2 * FRAME);
    c.writePending();
    assertThat(written).containsExactly("DATA 1 16384");
    assertThat(c.deferredStreams()).isEqualTo(1);
    c.enqueueData(a, bytes(2 * FRAME), true); // queued while its first batch is half written
    c.connectionWindowUpdate(1 << 20);
    c.writePending();
    assertThat(written).containsExactly("DATA 1 16384", "DATA 1 16384", "DATA 3 16384", "DATA 3 16384 END",
        "DATA 1 16384", "DATA 1 16384 END");
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

  /** The outcome of sending every stream's message through a controller to a real receive window, flush by flush. */
  private static final class Run {
    int frames;
    int maxInterleaved;
    long sumInterleaved;
    int maxPartialAtReceiver;
    /** Mean over messages of the bytes on the wire when the message's last byte left: early finishes are low. */
    long meanBytesAtCompletion;
    long connectionBlocks;
    long streamBlocks;
    int connectionWindowFrames;
    int streamWindowFrames;

    @Override
    public String toString() {
      return "frames=" + frames + " interleaved(max=" + maxInterleaved + ", sum=" + sumInterleaved
          + ") partialAtReceiver(max=" + maxPartialAtReceiver + ") meanMiBAtCompletion="
          + (meanBytesAtCompletion >> 20) + " connectionBlocks=" + connectionBlocks + " streamBlocks="
          + streamBlocks + " windowFrames(connection=" + connectionWindowFrames + ", stream=" + streamWindowFrames
          + ")";
    }
  }

  /**
   * Sends {@code streams} messages of {@code buffers} (the framer's buffers of one message) with the advertised
   * defaults (256 KiB frames, 1 MiB windows). Each {@link OutboundFlowController#writePending} is one flush; its frames
   * then reach the peer's {@link InboundFlowController}, whose reader consumes them at once, and the WINDOW frames it
   * sends come back before the next flush.
   */
  private static Run simulate(int streams, int[] buffers, int quantum, int maxPartial) {
    Settings peer = new Settings(TransportConfig.DEFAULT_MAX_FRAME_SIZE, TransportConfig.DEFAULT_FLOW_CONTROL_WINDOW,
        TransportConfig.DEFAULT_FLOW_CONTROL_WINDOW, MANY, 8192);
    List<ByteBuf> wire = new ArrayList<>();
    OutboundFlowController c = new OutboundFlowController(ByteBufAllocator.DEFAULT, wire::add, peer, quantum,
        maxPartial);
    OutboundFlowController.StreamState[] out = new OutboundFlowController.StreamState[streams];
    InboundFlowController.StreamFlow[] in = new InboundFlowController.StreamFlow[streams];
    Run run = new Run();
    List<int[]> windows = new ArrayList<>();
    InboundFlowController receiver = new InboundFlowController(peer.initialStreamWindow, peer.connectionWindow,
        (id, increment) -> windows.add(new int[] {id, increment}));
    int[] first = new int[streams];
    int[] last = new int[streams];
    int[] own = new int[streams];
    java.util.Arrays.fill(first, -1);
    for (int i = 0; i < streams; i++) {
      out[i] = new OutboundFlowController.StreamState(n -> {});
      in[i] = receiver.newStream();
      c.activate(out[i], 2 * i + 1);
      for (int b = 0; b < buffers.length; b++) {
        c.enqueueData(out[i], bytes(buffers[b]), b == buffers.length - 1);
      }
    }
    long onWire = 0;
    long sumCompletion = 0;
    int partial = 0;
    while (true) {
      c.writePending();
      if (wire.isEmpty()) {
        break;
      }
      for (ByteBuf frame : wire) {
        try {
          int at = frame.readerIndex();
          int i = (frame.getInt(at + Wire.OFFSET_STREAM_ID) - 1) / 2;
          int n = frame.readableBytes() - 6;
          boolean end = (frame.getUnsignedByte(at + Wire.OFFSET_FLAGS) & Wire.FLAG_END_STREAM) != 0;
          onWire += n;
          if (first[i] < 0) {
            first[i] = run.frames;
            partial++;
          }
          last[i] = run.frames;
          own[i]++;
          run.frames++;
          if (end) {
            partial--;
            sumCompletion += onWire;
          }
          run.maxPartialAtReceiver = Math.max(run.maxPartialAtReceiver, partial);
          receiver.received(in[i], n);
          receiver.bytesRead(2 * i + 1, in[i], n);
        } finally {
          frame.release();
        }
      }
      wire.clear();
      for (int[] w : windows) {
        if (w[0] == 0) {
          run.connectionWindowFrames++;
          c.connectionWindowUpdate(w[1]);
        } else {
          run.streamWindowFrames++;
          c.streamWindowUpdate(out[(w[0] - 1) / 2], w[1]);
        }
      }
      windows.clear();
    }
    for (int i = 0; i < streams; i++) {
      assertThat(out[i].hasPending()).as("stream %d finished", i).isFalse();
      int interleaved = last[i] - first[i] + 1 - own[i];
      run.maxInterleaved = Math.max(run.maxInterleaved, interleaved);
      run.sumInterleaved += interleaved;
    }
    run.meanBytesAtCompletion = sumCompletion / streams;
    run.connectionBlocks = c.connectionBlocks();
    run.streamBlocks = c.streamBlocks();
    return run;
  }

  /** A 256 KiB protobuf in a gRPC message: 5-byte prefix, 1-byte tag, 3-byte length, then the bytes. */
  private static final int[] MESSAGE_256K = {256 * 1024 + 9};
  /** A 4 MiB protobuf in a gRPC message, as the framer's 1 MiB buffers hand it over. */
  private static final int[] MESSAGE_4M = {1 << 20, 1 << 20, 1 << 20, 1 << 20, 10};

  private static Run oneFramePerTurn(int streams, int[] message) {
    return simulate(streams, message, 1, MANY); // the scheduling before the quantum: one frame per stream per turn
  }

  private static Run defaults(int streams, int[] message) {
    return simulate(streams, message, OutboundFlowController.DEFAULT_QUANTUM,
        OutboundFlowController.DEFAULT_MAX_PARTIAL_STREAMS);
  }

  @Test
  void manyConcurrentMessagesJustOverAFrameEachLeaveWholeWithTheDefaults() {
    Run before = oneFramePerTurn(64, MESSAGE_256K);
    Run after = defaults(64, MESSAGE_256K);
    System.out.println("64 x 256 KiB, one frame per turn: " + before);
    System.out.println("64 x 256 KiB, defaults:           " + after);
    assertThat(before.maxInterleaved).isGreaterThanOrEqualTo(63); // each tail waited a round of 64 streams
    assertThat(after.maxInterleaved).isZero();
    assertThat(after.maxPartialAtReceiver).isEqualTo(1);
    assertThat(after.frames).isEqualTo(before.frames);
  }

  @Test
  void largeMessagesFinishOneGroupAfterAnotherWithTheDefaults() {
    for (int streams : new int[] {16, 64}) {
      Run before = oneFramePerTurn(streams, MESSAGE_4M);
      Run after = defaults(streams, MESSAGE_4M);
      System.out.println(streams + " x 4 MiB, one frame per turn: " + before);
      System.out.println(streams + " x 4 MiB, defaults:           " + after);
      assertThat(before.maxPartialAtReceiver).isEqualTo(streams);
      assertThat(after.maxPartialAtReceiver).isLessThanOrEqualTo(OutboundFlowController.DEFAULT_MAX_PARTIAL_STREAMS);
      // Half of the messages are complete by the time half of the bytes are out, instead of all at the end.
      assertThat(after.meanBytesAtCompletion).isLessThan(before.meanBytesAtCompletion * 2 / 3);
    }
  }
}
