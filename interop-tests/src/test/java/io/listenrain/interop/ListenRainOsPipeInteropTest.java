package io.listenrain.interop;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelGenerator;
import io.listenrain.channel.ConnectException;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.grpc.ListenRainServerBuilder;
import io.listenrain.grpc.ServedChannels;
import io.listenrain.testing.OsPipes;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import org.junit.Test;

/**
 * grpc-java's interop suite over channels the application provides: each connection is two real OS pipes
 * ({@link OsPipes}, adapted by {@code Channels.fromStreams}); the client's {@link ChannelGenerator} opens them and
 * hands the server's ends to the server's {@link ServedChannels}.
 */
public class ListenRainOsPipeInteropTest extends ListenRainInteropTestBase {
  private ServedChannels served;

  @Override
  protected SocketAddress bindAddress() {
    throw new UnsupportedOperationException("this server takes channels, it binds no address");
  }

  @Override
  protected ListenRainServerBuilder newServerBuilder() {
    served = ServedChannels.create();
    return ListenRainServerBuilder.forChannels(served);
  }

  @Override
  protected ListenRainChannelBuilder newChannelBuilder() {
    ServedChannels server = served;
    return ListenRainChannelBuilder.forChannelGenerator(new ChannelGenerator() {
      @Override
      public CompletableFuture<Channel> connect() {
        try {
          OsPipes pipes = OsPipes.open();
          server.serve(pipes.server());
          return CompletableFuture.completedFuture(pipes.client());
        } catch (IOException | RuntimeException e) {
          return CompletableFuture.failedFuture(new ConnectException("cannot open OS pipes: " + e, e, true));
        }
      }

      @Override
      public void close() {}
    });
  }

  /**
   * A stream pair has no socket addresses: the server sees the client as the placeholder {@code stream} and itself at
   * its {@code ServedChannels}; the client sees the server at the generator it dialed through.
   */
  @Test
  @Override
  public void clientAndServerAgreeOnBothAddresses() {
    assertEquals("stream", String.valueOf(obtainRemoteClientAddr()));
    assertTrue(String.valueOf(obtainLocalServerAddr()).startsWith("served-channels-"));
    assertTrue(String.valueOf(obtainRemoteServerAddr()).startsWith("channel-generator-"));
  }
}
