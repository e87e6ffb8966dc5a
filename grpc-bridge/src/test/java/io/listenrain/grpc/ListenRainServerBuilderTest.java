package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.listenrain.channel.Channel;
import io.listenrain.sharing.ServerProtocol;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The abuse-budget and handshake knobs: each reaches the transport configuration, bad values are refused. */
class ListenRainServerBuilderTest {
  private final ListenRainServerBuilder b = ListenRainServerBuilder.forPort(0);

  @Test
  void abuseKnobsReachTheConfiguration() {
    b.maxRstFramesPerWindow(50, 3).maxQueuedControlReplies(7).maxConsecutiveEmptyDataFrames(0).maxTinyDataFrames(9)
        .handshakeTimeout(1500, TimeUnit.MILLISECONDS);
    TransportConfig c = b.config();
    assertThat(c.maxRstPerWindow).isEqualTo(50);
    assertThat(c.rstWindowNanos).isEqualTo(TimeUnit.SECONDS.toNanos(3));
    assertThat(c.maxQueuedReplies).isEqualTo(7);
    assertThat(c.maxConsecutiveEmptyData).isZero();
    assertThat(c.maxTinyDataFrames).isEqualTo(9);
    assertThat(c.handshakeTimeoutNanos).isEqualTo(TimeUnit.MILLISECONDS.toNanos(1500));
  }

  @Test
  void aZeroResetBudgetIsAllowedAndTurnsItOff() {
    assertThat(b.maxRstFramesPerWindow(0, 1).config().maxRstPerWindow).isZero();
  }

  @Test
  void badValuesAreRefused() {
    assertThatThrownBy(() -> b.maxRstFramesPerWindow(-1, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.maxRstFramesPerWindow(10, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.maxQueuedControlReplies(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.maxConsecutiveEmptyDataFrames(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.maxTinyDataFrames(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.handshakeTimeout(0, TimeUnit.SECONDS)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onlyOneNativeProtocolWithoutAPrefaceCanShareTheAddress() {
    b.addNativeProtocol(protocol("first", 0)).addNativeProtocol(protocol("prefixed", 4));
    assertThatThrownBy(() -> b.addNativeProtocol(protocol("second", 0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("second");
  }

  private static ServerProtocol protocol(String name, int prefaceLength) {
    return new ServerProtocol() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public int prefaceLength() {
        return prefaceLength;
      }

      @Override
      public boolean matchesPreface(ByteBuf firstBytes) {
        return prefaceLength == 0;
      }

      @Override
      public void serve(Channel channel) {
        channel.abort(new IllegalStateException("not used"));
      }
    };
  }
}
