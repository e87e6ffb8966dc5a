package io.listenrain.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ChannelLogger;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.channelz.v1.Channel;
import io.grpc.channelz.v1.ChannelzGrpc;
import io.grpc.channelz.v1.GetServerSocketsRequest;
import io.grpc.channelz.v1.GetServersRequest;
import io.grpc.channelz.v1.GetSocketRequest;
import io.grpc.channelz.v1.GetSubchannelRequest;
import io.grpc.channelz.v1.GetTopChannelsRequest;
import io.grpc.channelz.v1.SocketRef;
import io.grpc.channelz.v1.Subchannel;
import io.grpc.protobuf.services.ChannelzService;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.grpc.ListenRainServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * grpc's channelz service served over ListenRain and queried with its generated stub: a ListenRain server reports its
 * listen sockets and each transport its real flow-control windows; the channel logger grpc hands the client transport
 * receives its lifecycle. An observer server answers the queries, so that the target's only
 * connection is one idle channel whose windows nothing has used.
 */
class ListenRainChannelzTest {
  private static final int SERVER_WINDOW = 3 * 1024 * 1024 + 17;
  private static final int CLIENT_WINDOW = 777_777;

  private Server observer;
  private Server target;
  private ManagedChannel query;
  private ManagedChannel idle;
  private ChannelzGrpc.ChannelzBlockingStub channelz;

  @BeforeEach
  void setUp() throws Exception {
    observer = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ChannelzService.newInstance(100)).build().start();
    target = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .flowControlWindow(SERVER_WINDOW)
        .addService(ChannelzService.newInstance(100)).build().start();
    query = ListenRainChannelBuilder.forAddress("127.0.0.1", port(observer)).usePlaintext().build();
    idle = ListenRainChannelBuilder.forAddress("127.0.0.1", port(target)).usePlaintext()
        .flowControlWindow(CLIENT_WINDOW).build();
    idle.getState(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> idle.getState(false) == ConnectivityState.READY);
    channelz = ChannelzGrpc.newBlockingStub(query).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    for (ManagedChannel c : List.of(query, idle)) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (Server s : List.of(observer, target)) {
      s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static int port(Server s) {
    return ((InetSocketAddress) s.getListenSockets().get(0)).getPort();
  }

  private io.grpc.channelz.v1.Server targetServer() {
    List<io.grpc.channelz.v1.Server> servers = channelz.getServers(GetServersRequest.getDefaultInstance())
        .getServerList();
    List<io.grpc.channelz.v1.Server> withPort = servers.stream()
        .filter(s -> s.getListenSocketList().stream()
            .anyMatch(ref -> socket(ref).getLocal().getTcpipAddress().getPort() == port(target)))
        .collect(Collectors.toList());
    assertThat(withPort).as("servers listening on the target's port, among %s", servers).hasSize(1);
    return withPort.get(0);
  }

  /** The target's accepted sockets, found by their local port (not through its listen sockets). */
  private List<SocketRef> targetServerSockets() {
    List<List<SocketRef>> found = channelz.getServers(GetServersRequest.getDefaultInstance()).getServerList()
        .stream()
        .map(s -> channelz.getServerSockets(GetServerSocketsRequest.newBuilder()
            .setServerId(s.getRef().getServerId()).build()).getSocketRefList())
        .filter(refs -> refs.stream()
            .anyMatch(ref -> socket(ref).getLocal().getTcpipAddress().getPort() == port(target)))
        .collect(Collectors.toList());
    assertThat(found).as("servers with a socket accepted on the target's port").hasSize(1);
    return found.get(0);
  }

  private io.grpc.channelz.v1.Socket socket(SocketRef ref) {
    return channelz.getSocket(GetSocketRequest.newBuilder().setSocketId(ref.getSocketId()).build()).getSocket();
  }

  private Subchannel idleSubchannel() {
    String targetName = "127.0.0.1:" + port(target);
    List<Channel> channels = channelz.getTopChannels(GetTopChannelsRequest.getDefaultInstance()).getChannelList()
        .stream().filter(c -> c.getData().getTarget().contains(targetName)).collect(Collectors.toList());
    assertThat(channels).as("top channels to %s", targetName).hasSize(1);
    assertThat(channels.get(0).getSubchannelRefList()).hasSize(1);
    long id = channels.get(0).getSubchannelRef(0).getSubchannelId();
    return channelz.getSubchannel(GetSubchannelRequest.newBuilder().setSubchannelId(id).build()).getSubchannel();
  }

  @Test
  void serverReportsItsListenSocket() {
    io.grpc.channelz.v1.Server server = targetServer();
    assertThat(server.getListenSocketList()).hasSize(1);
    io.grpc.channelz.v1.Socket listen = socket(server.getListenSocket(0));
    assertThat(listen.getLocal().getTcpipAddress().getPort()).isEqualTo(port(target));
    assertThat(listen.hasRemote()).as("a listen socket has no peer").isFalse();
    assertThat(listen.hasSecurity()).as("plaintext").isFalse();
  }

  @Test
  void transportsReportTheConfiguredFlowControlWindows() {
    List<SocketRef> accepted = targetServerSockets();
    assertThat(accepted).as("the idle channel's connection").hasSize(1);
    io.grpc.channelz.v1.Socket serverSide = socket(accepted.get(0));
    assertThat(serverSide.getData().getLocalFlowControlWindow().getValue()).isEqualTo(SERVER_WINDOW);
    assertThat(serverSide.getData().getRemoteFlowControlWindow().getValue()).isEqualTo(CLIENT_WINDOW);

    Subchannel sub = idleSubchannel();
    assertThat(sub.getSocketRefList()).hasSize(1);
    io.grpc.channelz.v1.Socket clientSide = socket(sub.getSocketRef(0));
    assertThat(clientSide.getData().getLocalFlowControlWindow().getValue()).isEqualTo(CLIENT_WINDOW);
    assertThat(clientSide.getData().getRemoteFlowControlWindow().getValue()).isEqualTo(SERVER_WINDOW);
    assertThat(clientSide.getRemote().getTcpipAddress().getPort()).isEqualTo(port(target));
  }

  /**
   * grpc hands a transport its subchannel's transport logger, which writes to java.util.logging's
   * {@code io.grpc.ChannelLogger} under the subchannel's id (not to the channel trace: that holds the subchannel's own
   * events): DEBUG as FINEST, INFO as FINER. The idle channel's lines are captured there.
   */
  @Test
  void channelLoggerReceivesTheTransportLifecycle() throws Exception {
    idle.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    Logger channelLogger = Logger.getLogger(ChannelLogger.class.getName());
    Level before = channelLogger.getLevel();
    List<String> lines = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        lines.add(r.getLevel() + " " + r.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    channelLogger.setLevel(Level.FINEST);
    channelLogger.addHandler(capture);
    try {
      idle = ListenRainChannelBuilder.forAddress("127.0.0.1", port(target)).usePlaintext().build();
      idle.getState(true);
      await().atMost(Duration.ofSeconds(10)).until(() -> idle.getState(false) == ConnectivityState.READY);
      assertThat(lines).anyMatch(l -> l.startsWith("FINER ")
          && l.contains("ListenRain transport connected: /127.0.0.1:") && l.endsWith("-> /127.0.0.1:" + port(target)));
      target.shutdown(); // graceful: GOAWAY with NO_ERROR
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lines)
          .anyMatch(l -> l.startsWith("FINER ") && l.contains("Received GOAWAY: last stream")
              && l.contains("code 0")));
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lines)
          .anyMatch(l -> l.startsWith("FINEST ")
              && l.contains("ListenRain transport closed: Status{code=UNAVAILABLE")));
    } finally {
      channelLogger.removeHandler(capture);
      channelLogger.setLevel(before);
    }
  }
}
