package io.listenrain.benchmark.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.listenrain.channel.ConnectException;
import io.listenrain.errors.CallTimeoutException;
import io.listenrain.errors.ConnectionClosedException;
import io.listenrain.errors.TransportClosedException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class FailureTest {

  @Test
  void unavailableIsRetryableAndOtherStatusesAreNot() {
    assertThat(Failure.of(Status.UNAVAILABLE.withDescription("restart").asRuntimeException()))
        .isEqualTo(new Failure("UNAVAILABLE", true));
    assertThat(Failure.of(Status.DEADLINE_EXCEEDED.asRuntimeException()))
        .isEqualTo(new Failure("DEADLINE_EXCEEDED", false));
    assertThat(Failure.of(Status.INTERNAL.asException())).isEqualTo(new Failure("INTERNAL", false));
  }

  @Test
  void closedConnectionsAndRetryableConnectFailuresAreRetryableEvenWhenWrapped() {
    assertThat(Failure.of(new CompletionException(new ConnectionClosedException("reset"))))
        .isEqualTo(new Failure("ConnectionClosedException", true));
    assertThat(Failure.of(new TransportClosedException("closed")).retryable()).isTrue();
    assertThat(Failure.of(new ConnectException("refused", null, true)).retryable()).isTrue();
    assertThat(Failure.of(new ConnectException("bad address", null, false)).retryable()).isFalse();
  }

  @Test
  void timeoutsAndUnexpectedExceptionsAreNotRetryable() {
    assertThat(Failure.of(new CallTimeoutException(7)).retryable()).isFalse();
    assertThat(Failure.of(new IllegalStateException("bug"))).isEqualTo(new Failure("IllegalStateException", false));
  }
}
