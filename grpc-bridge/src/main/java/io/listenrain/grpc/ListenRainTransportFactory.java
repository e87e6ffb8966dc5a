package io.listenrain.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.ChannelLogger;
import io.grpc.HttpConnectProxiedSocketAddress;
import io.grpc.internal.AtomicBackoff;
import io.grpc.internal.ClientTransportFactory;
import io.grpc.internal.ConnectionClientTransport;
import io.grpc.internal.GrpcUtil;
import io.grpc.internal.SharedResourceHolder;
import io.listenrain.channel.HttpConnectProxy;
import io.listenrain.channel.InProcessAddress;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.ScheduledExecutorService;

/** Builds client transports for one channel; holds the shared timer until closed. */
final class ListenRainTransportFactory implements ClientTransportFactory {
  static final Collection<Class<? extends SocketAddress>> ADDRESS_TYPES = Collections.unmodifiableList(
      Arrays.asList(InetSocketAddress.class, UnixDomainSocketAddress.class, DomainSocketAddress.class,
          InProcessAddress.class, ListenRainSocketAddress.class, ChannelSourceAddress.class));

  private final TransportConfig config;
  /** {@code null} for plaintext. */
  private final ClientSecurity security;
  private final AtomicBackoff keepAliveBackoff;
  private final ScheduledExecutorService scheduler = SharedResourceHolder.get(GrpcUtil.TIMER_SERVICE);
  private boolean closed;

  ListenRainTransportFactory(TransportConfig config, ClientSecurity security) {
    this.config = config;
    this.security = security;
    this.keepAliveBackoff = new AtomicBackoff("keepalive time nanos", config.keepAliveTimeNanos);
  }

  @Override
  public ConnectionClientTransport newClientTransport(SocketAddress address, ClientTransportOptions options,
      ChannelLogger logger) {
    if (closed) {
      throw new IllegalStateException("the transport factory is closed");
    }
    TransportConfig c = config;
    HttpConnectProxiedSocketAddress proxied = options.getHttpConnectProxiedSocketAddress();
    if (security != null || proxied != null) {
      c = config.copy();
    }
    if (security != null) {
      c.channelOptions = c.channelOptions.withClientTls(security.forAuthority(options.getAuthority()));
    }
    SocketAddress dial = address;
    if (proxied != null) {
      // grpc's proxy detection chose a CONNECT proxy: {@code address} is the proxy's; dial the target through it.
      dial = proxied.getTargetAddress();
      c.channelOptions = c.channelOptions.withHttpConnectProxy(HttpConnectProxy.of(
          (InetSocketAddress) proxied.getProxyAddress(), proxied.getUsername(), proxied.getPassword()));
    }
    return new ListenRainClientTransport(Addresses.unwrap(dial), options.getAuthority(), options.getUserAgent(),
        options.getEagAttributes(), c, scheduler, keepAliveBackoff.getState(), logger);
  }

  @Override
  public ScheduledExecutorService getScheduledExecutorService() {
    return scheduler;
  }

  @Override
  public SwapChannelCredentialsResult swapChannelCredentials(ChannelCredentials channelCreds) {
    return null;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      SharedResourceHolder.release(GrpcUtil.TIMER_SERVICE, scheduler);
    }
  }

  @Override
  public Collection<Class<? extends SocketAddress>> getSupportedSocketAddressTypes() {
    return ADDRESS_TYPES;
  }
}
