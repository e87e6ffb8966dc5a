package io.listenrain.grpc;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.Objects;

/**
 * ListenRain's own transport metrics, through the OpenTelemetry API (an optional dependency: add
 * {@code io.opentelemetry:opentelemetry-api} to use this class). Pass one to
 * {@link ListenRainServerBuilder#transportMetrics} and {@link ListenRainChannelBuilder#transportMetrics}; one instance
 * may serve any number of builders. Instruments, from the meter {@code io.listenrain.grpc}, each with the attribute
 * {@code listenrain.side} ({@code client} or {@code server}):
 *
 * <ul>
 *   <li>{@code listenrain.grpc.connections.opened} (counter) and {@code listenrain.grpc.connections.open}
 *       (up-down counter): connections that completed their handshake, and those not yet closed;
 *   <li>{@code listenrain.grpc.streams.started} (counter): calls' streams;
 *   <li>{@code listenrain.grpc.goaways.received} (counter, client side, with {@code listenrain.goaway.code}).
 * </ul>
 *
 * <p>Not yet: bytes, flow-control stalls, send-budget waits, read pauses and abuse-policy closes.
 *
 * <p>Per-call metrics come from grpc-java's own {@code grpc-opentelemetry}, which works on ListenRain builders as is.
 */
public final class ListenRainMetrics {
  private static final AttributeKey<String> SIDE = AttributeKey.stringKey("listenrain.side");
  private static final AttributeKey<Long> CODE = AttributeKey.longKey("listenrain.goaway.code");
  private static final Attributes CLIENT = Attributes.of(SIDE, "client");
  private static final Attributes SERVER = Attributes.of(SIDE, "server");

  final TransportMetrics sink;

  private ListenRainMetrics(TransportMetrics sink) {
    this.sink = sink;
  }

  /** Metrics recorded through {@code openTelemetry}'s meter provider. */
  public static ListenRainMetrics create(OpenTelemetry openTelemetry) {
    Meter meter = Objects.requireNonNull(openTelemetry, "openTelemetry").getMeter("io.listenrain.grpc");
    return new ListenRainMetrics(new Otel(meter));
  }

  private static final class Otel implements TransportMetrics {
    private final LongCounter opened;
    private final LongUpDownCounter open;
    private final LongCounter streams;
    private final LongCounter goAways;

    Otel(Meter meter) {
      opened = meter.counterBuilder("listenrain.grpc.connections.opened").setUnit("{connection}")
          .setDescription("Connections that completed their handshake").build();
      open = meter.upDownCounterBuilder("listenrain.grpc.connections.open").setUnit("{connection}")
          .setDescription("Connections open now").build();
      streams = meter.counterBuilder("listenrain.grpc.streams.started").setUnit("{stream}")
          .setDescription("Streams started").build();
      goAways = meter.counterBuilder("listenrain.grpc.goaways.received").setUnit("{goaway}")
          .setDescription("GOAWAY frames a client received").build();
    }

    private static Attributes side(boolean server) {
      return server ? SERVER : CLIENT;
    }

    @Override
    public void connectionOpened(boolean server) {
      opened.add(1, side(server));
      open.add(1, side(server));
    }

    @Override
    public void connectionClosed(boolean server) {
      open.add(-1, side(server));
    }

    @Override
    public void streamStarted(boolean server) {
      streams.add(1, side(server));
    }

    @Override
    public void goAwayReceived(int errorCode) {
      goAways.add(1, CLIENT.toBuilder().put(CODE, (long) errorCode).build());
    }
  }
}
