package io.listenrain.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.opentelemetry.GrpcOpenTelemetry;
import io.grpc.stub.StreamObserver;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.grpc.ListenRainMetrics;
import io.listenrain.grpc.ListenRainServerBuilder;
import io.listenrain.proto.echo.EchoRequest;
import io.listenrain.proto.echo.EchoResponse;
import io.listenrain.proto.echo.EchoServiceGrpc;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * grpc-java's OpenTelemetry module on a ListenRain channel and server: known calls (three OK, one failing) and the
 * per-call metrics the in-memory reader collects — counts, the grpc.status attribute, and the compressed message
 * sizes, which must equal the serialized request and response sizes (no compression configured).
 */
class ListenRainOpenTelemetryTest {
  private static final AttributeKey<String> METHOD = AttributeKey.stringKey("grpc.method");
  private static final AttributeKey<String> STATUS = AttributeKey.stringKey("grpc.status");
  private static final AttributeKey<String> TARGET = AttributeKey.stringKey("grpc.target");
  private static final AttributeKey<String> SIDE = AttributeKey.stringKey("listenrain.side");
  private static final AttributeKey<Long> GOAWAY_CODE = AttributeKey.longKey("listenrain.goaway.code");
  private static final String ECHO = "listenrain.echo.EchoService/Echo";
  private static final int OK_CALLS = 3;
  private static final EchoRequest REQUEST = EchoRequest.newBuilder()
      .setPayload(ByteString.copyFrom(new byte[1000])).build();
  private static final EchoRequest FAILING = EchoRequest.newBuilder()
      .setPayload(ByteString.copyFromUtf8("fail")).build();

  private InMemoryMetricReader reader;
  private SdkMeterProvider meters;
  private Server server;
  private ManagedChannel channel;

  /** Echoes the payload, ten bytes longer; fails "fail" with INVALID_ARGUMENT. */
  private static final class Echo extends EchoServiceGrpc.EchoServiceImplBase {
    @Override
    public void echo(EchoRequest request, StreamObserver<EchoResponse> responses) {
      if (request.getPayload().toStringUtf8().equals("fail")) {
        responses.onError(Status.INVALID_ARGUMENT.withDescription("asked to fail").asRuntimeException());
        return;
      }
      responses.onNext(response(request));
      responses.onCompleted();
    }
  }

  private static EchoResponse response(EchoRequest request) {
    return EchoResponse.newBuilder().setPayload(request.getPayload().concat(ByteString.copyFrom(new byte[10])))
        .build();
  }

  @BeforeEach
  void setUp() throws Exception {
    reader = InMemoryMetricReader.create();
    meters = SdkMeterProvider.builder().registerMetricReader(reader).build();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setMeterProvider(meters).build();
    GrpcOpenTelemetry otel = GrpcOpenTelemetry.newBuilder().sdk(sdk).build();
    ListenRainMetrics transportMetrics = ListenRainMetrics.create(sdk);
    ListenRainServerBuilder sb = ListenRainServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .transportMetrics(transportMetrics);
    otel.configureServerBuilder(sb);
    server = sb.addService(new Echo()).build().start();
    int port = ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
    ListenRainChannelBuilder cb = ListenRainChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
        .transportMetrics(transportMetrics);
    otel.configureChannelBuilder(cb);
    channel = cb.build();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    meters.close();
  }

  private void makeCalls() {
    EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS);
    for (int i = 0; i < OK_CALLS; i++) {
      assertThat(stub.echo(REQUEST)).isEqualTo(response(REQUEST));
    }
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> stub.echo(FAILING));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  private List<MetricData> metrics() {
    return List.copyOf(reader.collectAllMetrics());
  }

  private static MetricData metric(List<MetricData> all, String name) {
    Optional<MetricData> m = all.stream().filter(d -> d.getName().equals(name)).findFirst();
    assertThat(m).as("metric %s among %s", name,
        all.stream().map(MetricData::getName).collect(Collectors.toList())).isPresent();
    return m.get();
  }

  private static HistogramPointData histogram(List<MetricData> all, String name, String status) {
    List<HistogramPointData> points = metric(all, name).getHistogramData().getPoints().stream()
        .filter(p -> status.equals(p.getAttributes().get(STATUS))).collect(Collectors.toList());
    assertThat(points).as("%s points with grpc.status=%s", name, status).hasSize(1);
    HistogramPointData p = points.get(0);
    assertThat(p.getAttributes().get(METHOD)).isEqualTo(ECHO);
    return p;
  }

  private static long counter(List<MetricData> all, String name) {
    List<LongPointData> points = List.copyOf(metric(all, name).getLongSumData().getPoints());
    assertThat(points).hasSize(1);
    Attributes a = points.get(0).getAttributes();
    assertThat(a.get(METHOD)).isEqualTo(ECHO);
    return points.get(0).getValue();
  }

  @Test
  void clientMetricsCountTheCallsByStatusAndTheirSizes() {
    makeCalls();
    List<MetricData> all = metrics();
    assertThat(counter(all, "grpc.client.attempt.started")).isEqualTo(OK_CALLS + 1);
    assertThat(metric(all, "grpc.client.attempt.started").getLongSumData().getPoints().iterator().next()
        .getAttributes().get(TARGET)).contains("127.0.0.1:");

    HistogramPointData ok = histogram(all, "grpc.client.call.duration", "OK");
    HistogramPointData failed = histogram(all, "grpc.client.call.duration", "INVALID_ARGUMENT");
    assertThat(ok.getCount()).isEqualTo(OK_CALLS);
    assertThat(failed.getCount()).isEqualTo(1);
    assertThat(ok.getSum()).isPositive();
    assertThat(histogram(all, "grpc.client.attempt.duration", "OK").getCount()).isEqualTo(OK_CALLS);

    HistogramPointData sent = histogram(all, "grpc.client.attempt.sent_total_compressed_message_size", "OK");
    assertThat(sent.getCount()).isEqualTo(OK_CALLS);
    assertThat(sent.getSum()).isEqualTo((double) OK_CALLS * REQUEST.getSerializedSize());
    HistogramPointData received = histogram(all, "grpc.client.attempt.rcvd_total_compressed_message_size", "OK");
    assertThat(received.getSum()).isEqualTo((double) OK_CALLS * response(REQUEST).getSerializedSize());
    assertThat(histogram(all, "grpc.client.attempt.sent_total_compressed_message_size", "INVALID_ARGUMENT")
        .getSum()).isEqualTo(FAILING.getSerializedSize());
    assertThat(histogram(all, "grpc.client.attempt.rcvd_total_compressed_message_size", "INVALID_ARGUMENT")
        .getSum()).isZero();
  }

  @Test
  void serverMetricsCountTheCallsByStatusAndTheirSizes() {
    makeCalls();
    // The server records a call when its stream closes, which may come just after the client has its answer.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      List<MetricData> all = metrics();
      assertThat(counter(all, "grpc.server.call.started")).isEqualTo(OK_CALLS + 1);
      assertThat(histogram(all, "grpc.server.call.duration", "OK").getCount()).isEqualTo(OK_CALLS);
      assertThat(histogram(all, "grpc.server.call.duration", "INVALID_ARGUMENT").getCount()).isEqualTo(1);
    });
    List<MetricData> all = metrics();
    HistogramPointData received = histogram(all, "grpc.server.call.rcvd_total_compressed_message_size", "OK");
    assertThat(received.getSum()).isEqualTo((double) OK_CALLS * REQUEST.getSerializedSize());
    HistogramPointData sent = histogram(all, "grpc.server.call.sent_total_compressed_message_size", "OK");
    assertThat(sent.getSum()).isEqualTo((double) OK_CALLS * response(REQUEST).getSerializedSize());
    assertThat(histogram(all, "grpc.server.call.sent_total_compressed_message_size", "INVALID_ARGUMENT")
        .getSum()).isZero();
  }

  /** The value of {@code name}'s one point with {@code attributes}, 0 if there is none. */
  private static long sum(List<MetricData> all, String name, Attributes attributes) {
    return all.stream().filter(d -> d.getName().equals(name)).flatMap(d -> d.getLongSumData().getPoints().stream())
        .filter(p -> p.getAttributes().equals(attributes)).mapToLong(LongPointData::getValue).sum();
  }

  @Test
  void listenRainTransportMetricsCountConnectionsStreamsAndGoAways() throws Exception {
    makeCalls();
    Attributes clientSide = Attributes.of(SIDE, "client");
    Attributes serverSide = Attributes.of(SIDE, "server");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      List<MetricData> all = metrics();
      assertThat(sum(all, "listenrain.grpc.connections.opened", clientSide)).isEqualTo(1);
      assertThat(sum(all, "listenrain.grpc.connections.opened", serverSide)).isEqualTo(1);
      assertThat(sum(all, "listenrain.grpc.connections.open", clientSide)).isEqualTo(1);
      assertThat(sum(all, "listenrain.grpc.connections.open", serverSide)).isEqualTo(1);
      assertThat(sum(all, "listenrain.grpc.streams.started", clientSide)).isEqualTo(OK_CALLS + 1);
      assertThat(sum(all, "listenrain.grpc.streams.started", serverSide)).isEqualTo(OK_CALLS + 1);
    });
    server.shutdown(); // graceful: GOAWAY with NO_ERROR, then the connection closes
    assertThat(server.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      List<MetricData> all = metrics();
      assertThat(sum(all, "listenrain.grpc.goaways.received", clientSide.toBuilder().put(GOAWAY_CODE, 0L).build()))
          .isEqualTo(1);
      assertThat(sum(all, "listenrain.grpc.connections.open", clientSide)).isZero();
      assertThat(sum(all, "listenrain.grpc.connections.open", serverSide)).isZero();
      assertThat(sum(all, "listenrain.grpc.connections.opened", clientSide)).isEqualTo(1);
    });
  }
}
