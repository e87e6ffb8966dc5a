package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.grpc.InternalMetadata;
import io.listenrain.codec.CodecException;
import io.listenrain.codec.LengthPrefixedPacketCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * Fuzzes what a server reads from a client — the preface, the SETTINGS handshake, every frame and the metadata
 * decoder — and what a client reads from a server, fed whole and one byte at a time. The only exceptions allowed out
 * are {@link GrpcProtocolException} and the packet layer's {@link CodecException}; no buffer may leak. Plain
 * {@code mvn test} replays the committed seeds in {@code FrameReaderFuzzTestInputs}; run with {@code JAZZER_FUZZ=1}
 * to explore.
 */
class FrameReaderFuzzTest {
  private static final int MAX_FRAME = 16 * 1024;

  @FuzzTest(maxDuration = "60s")
  void serverInboundPathRejectsOnlyWithTypedErrors(byte[] input) {
    feed(input, true, input.length);
    feed(input, true, 1);
  }

  @FuzzTest(maxDuration = "60s")
  void clientInboundPathRejectsOnlyWithTypedErrors(byte[] input) {
    feed(input, false, input.length);
    feed(input, false, 7);
  }

  /** Feeds {@code input} in chunks of {@code chunk} bytes through preface check, packet codec and frame reader. */
  private static void feed(byte[] input, boolean server, int chunk) {
    LengthPrefixedPacketCodec codec = new LengthPrefixedPacketCodec(MAX_FRAME + Wire.FRAME_HEADER_LENGTH);
    FrameReader reader = new FrameReader(server, MAX_FRAME);
    Checker listener = new Checker();
    ByteBuf cumulation = PooledByteBufAllocator.DEFAULT.buffer();
    boolean prefaceDone = !server;
    try {
      for (int from = 0; from < input.length; from += Math.max(1, chunk)) {
        cumulation.writeBytes(input, from, Math.min(Math.max(1, chunk), input.length - from));
        if (!prefaceDone) {
          if (cumulation.readableBytes() < Wire.PREFACE_LENGTH) {
            continue;
          }
          PrefaceChannel.checkPreface(cumulation);
          cumulation.skipBytes(Wire.PREFACE_LENGTH);
          prefaceDone = true;
        }
        ByteBuf packet;
        while ((packet = codec.decode(cumulation)) != null) {
          try {
            if (server && !listener.settingsSeen && packet.isReadable()
                && packet.getUnsignedByte(packet.readerIndex()) != Wire.SETTINGS) {
              throw new GrpcProtocolException("the first frame must be SETTINGS");
            }
            reader.read(packet, listener);
          } finally {
            packet.release();
          }
        }
      }
    } catch (GrpcProtocolException | CodecException expected) {
      // A typed rejection of hostile input is the correct outcome.
    } finally {
      cumulation.release();
    }
    assertThat(cumulation.refCnt()).isZero();
  }

  /** Checks every decoded frame is self-consistent and turns metadata into grpc-java Metadata, as transports do. */
  private static final class Checker implements FrameReader.Listener {
    boolean settingsSeen;

    @Override
    public void settings(Settings s) {
      settingsSeen = true;
      assertThat(s.maxFrameSize).isBetween(Wire.MIN_MAX_FRAME_SIZE, Wire.MAX_MAX_FRAME_SIZE);
      assertThat(s.initialStreamWindow).isPositive();
      assertThat(s.connectionWindow).isPositive();
    }

    @Override
    public void settingsAck() {}

    @Override
    public void requestHeaders(int streamId, String path, String authority, byte[][] metadata) {
      assertThat(streamId).isPositive();
      metadata(metadata);
    }

    @Override
    public void responseHeaders(int streamId, byte[][] metadata) {
      assertThat(streamId).isPositive();
      metadata(metadata);
    }

    private static void metadata(byte[][] md) {
      assertThat(md.length % 2).isZero();
      MetadataCodec.size(md);
      InternalMetadata.newMetadata(md.length / 2, md).keys();
    }

    @Override
    public void data(int streamId, ByteBuf payload, boolean endStream) {
      try {
        assertThat(payload.readableBytes()).isLessThanOrEqualTo(MAX_FRAME);
        new ByteBufReadableBuffer(payload.retain()).close();
      } finally {
        payload.release();
      }
    }

    @Override
    public void trailers(int streamId, int code, String message, byte[][] metadata) {
      metadata(metadata);
    }

    @Override
    public void rst(int streamId, int errorCode) {}

    @Override
    public void window(int streamId, int increment) {
      assertThat(increment).isPositive();
    }

    @Override
    public void ping(boolean ack, long payload) {}

    @Override
    public void goAway(int lastStreamId, int errorCode, String message) {
      assertThat(lastStreamId).isNotNegative();
    }
  }
}
