package io.listenrain.interop;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

import io.grpc.ForwardingServerBuilder;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.testing.integration.AbstractInteropTest;
import io.listenrain.grpc.InternalListenRainChannelBuilder;
import io.listenrain.grpc.InternalListenRainServerBuilder;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.grpc.ListenRainServerBuilder;
import java.net.SocketAddress;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * grpc-java's interop suite ({@link AbstractInteropTest}, 35 cases) with a ListenRain server and channel, configured
 * as grpc-java configures its own Netty run ({@code Http2NettyTest}): 16 MiB inbound messages on both ends, a 65 KiB
 * flow-control window (deliberately not 64 KiB, so the WINDOW exchange is exercised), and the default census module
 * replaced by the suite's recording one, so {@link #metricsExpected()} stays true and every message and wire size is
 * checked. Subclasses choose the channel kind: where the server listens and how the client reaches it.
 */
public abstract class ListenRainInteropTestBase extends AbstractInteropTest {
  @ClassRule
  public static final BufferLeakRule NO_LEAKS = new BufferLeakRule();

  private Server listenRainServer;

  /** Where the server listens for this test; called once per test, before the server starts. */
  protected abstract SocketAddress bindAddress();

  /** The server builder before configuration: by default, one listening on {@link #bindAddress()}. */
  protected ListenRainServerBuilder newServerBuilder() {
    return ListenRainServerBuilder.forAddress(bindAddress());
  }

  /** The channel builder before configuration: by default, one dialing the address the server listens on. */
  protected ListenRainChannelBuilder newChannelBuilder() {
    return ListenRainChannelBuilder.forSocketAddress(listenAddress());
  }

  /** Extra server configuration for a subclass (frame size, window...). */
  protected ListenRainServerBuilder configure(ListenRainServerBuilder builder) {
    return builder.flowControlWindow(TEST_FLOW_CONTROL_WINDOW);
  }

  /** Extra channel configuration for a subclass (frame size, window...). */
  protected ListenRainChannelBuilder configure(ListenRainChannelBuilder builder) {
    return builder.flowControlWindow(TEST_FLOW_CONTROL_WINDOW);
  }

  @Override
  protected ServerBuilder<?> getServerBuilder() {
    ListenRainServerBuilder builder = configure(newServerBuilder())
        .maxInboundMessageSize(MAX_MESSAGE_SIZE);
    // The suite's census module replaces the default one, whose records it could not read.
    InternalListenRainServerBuilder.setStatsEnabled(builder, false);
    return builder.addStreamTracerFactory(createCustomCensusTracerFactory());
  }

  /** Remembers the started server: the suite keeps its own reference private. */
  @Override
  protected void startServer(ServerBuilder<?> builder) {
    super.startServer(builder == null ? null : new CapturingServerBuilder(builder));
  }

  @Override
  protected ManagedChannelBuilder<?> createChannelBuilder() {
    ListenRainChannelBuilder builder = configure(newChannelBuilder())
        .maxInboundMessageSize(MAX_MESSAGE_SIZE);
    InternalListenRainChannelBuilder.setStatsEnabled(builder, false);
    // On the channel, as Http2NettyTest does, not in getAdditionalInterceptors(): unimplementedService calls through
    // a stub built straight from the channel and still checks the call's client census record.
    return builder.intercept(createCensusStatsClientInterceptor());
  }

  /** The address the running server reports, as a client dials it. */
  protected final SocketAddress listenAddress() {
    return listenRainServer.getListenSockets().get(0);
  }

  /**
   * Beyond the suite's non-null check: the client sees the server at the address it listens on, and the server sees
   * the client at the client's own local address.
   */
  @Test
  public void clientAndServerAgreeOnBothAddresses() {
    SocketAddress serverSeenByClient = obtainRemoteServerAddr();
    assertEquals(expectedRemoteServerAddress(), serverSeenByClient);
    SocketAddress clientLocal = obtainLocalClientAddr();
    assertNotNull(clientLocal);
    assertEquals(clientLocal, obtainRemoteClientAddr());
    assertEquals(serverSeenByClient, obtainLocalServerAddr());
  }

  // The suite's compression cases that TestServiceClient runs against remote servers but that are not JUnit tests.
  // Without the probe: the probe expects the server to reject an uncompressed message flagged expect_compressed,
  // which grpc-java's own TestServiceImpl does not check, over any transport.

  /** gzip-compressed unary requests (and an uncompressed one) reach the server intact, with exact census sizes. */
  @Test
  public void clientCompressedUnaryIsAccepted() throws Exception {
    clientCompressedUnary(false);
  }

  /** A client stream mixing compressed and uncompressed messages is aggregated correctly by the server. */
  @Test
  public void clientCompressedStreamingIsAccepted() throws Exception {
    clientCompressedStreaming(false);
  }

  /** A server stream mixing compressed and uncompressed responses is received intact. */
  @Test
  public void serverCompressedStreamingIsReceived() throws Exception {
    serverCompressedStreaming();
  }

  /** The remote address a client call reports. */
  protected SocketAddress expectedRemoteServerAddress() {
    return listenAddress();
  }

  private final class CapturingServerBuilder extends ForwardingServerBuilder<CapturingServerBuilder> {
    private final ServerBuilder<?> delegate;

    CapturingServerBuilder(ServerBuilder<?> delegate) {
      this.delegate = delegate;
    }

    @Override
    protected ServerBuilder<?> delegate() {
      return delegate;
    }

    @Override
    public Server build() {
      listenRainServer = delegate.build();
      return listenRainServer;
    }
  }
}
