package io.listenrain.grpc;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.InternalChannelz.OtherSecurity;
import io.grpc.InternalChannelz.Security;
import io.grpc.InternalChannelz.SocketOptions;
import io.grpc.InternalChannelz.SocketStats;
import io.grpc.InternalInstrumented;
import io.grpc.InternalLogId;
import io.listenrain.channel.ChannelAcceptor;

/**
 * One bound acceptor as channelz sees it: its local address, the channel kind, and its security (none, or "tls" when
 * accepted channels get TLS; there is no session to describe until a connection is accepted). No transport data: a
 * listen socket carries no streams.
 */
final class ListenSocket implements InternalInstrumented<SocketStats> {
  private final InternalLogId logId;
  private final ChannelAcceptor acceptor;
  private final boolean tls;

  ListenSocket(ChannelAcceptor acceptor, boolean tls) {
    this.acceptor = acceptor;
    this.tls = tls;
    this.logId = InternalLogId.allocate(getClass(), String.valueOf(acceptor.localAddress()));
  }

  @Override
  public ListenableFuture<SocketStats> getStats() {
    SocketOptions options = new SocketOptions.Builder().addOption("listenrain.listen", "true").build();
    Security security = tls ? new Security(new OtherSecurity("tls", null)) : null;
    return Futures.immediateFuture(
        new SocketStats(null, Addresses.normalize(acceptor.localAddress()), null, options, security));
  }

  @Override
  public InternalLogId getLogId() {
    return logId;
  }

  @Override
  public String toString() {
    return "ListenSocket" + acceptor.localAddress();
  }
}
