package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ChoiceServerCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.ServerProvider.NewServerBuilderResult;
import io.grpc.TlsServerCredentials;
import io.listenrain.testing.TestCertificates;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How {@link ListenRainServerProvider} answers credentials it can and cannot map (end to end: the channel test). */
class ListenRainServerProviderTest {
  private static final TestCertificates CERTS = TestCertificates.shared();

  private static InputStream pem(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
  }

  private static TlsServerCredentials.Builder serverCreds() throws Exception {
    return TlsServerCredentials.newBuilder().keyManager(pem(TestCertificates.pem(CERTS.server().certificate())),
        pem(TestCertificates.pem(CERTS.server().key())));
  }

  @Test
  void credentialsWithAnUnknownFeatureAreRefusedWithAReason() throws Exception {
    NewServerBuilderResult r = new ListenRainServerProvider().newServerBuilderForPort(0,
        serverCreds().requireFakeFeature().build());
    assertThat(r.getServerBuilder()).isNull();
    assertThat(r.getError()).contains("FAKE");
  }

  @Test
  void choiceFallsBackToTheFirstUnderstoodCredentials() throws Exception {
    NewServerBuilderResult r = new ListenRainServerProvider().newServerBuilderForPort(0, ChoiceServerCredentials.create(
        serverCreds().requireFakeFeature().build(), InsecureServerCredentials.create()));
    assertThat(r.getError()).isNull();
    assertThat(r.getServerBuilder()).isInstanceOf(ListenRainServerBuilder.class);
  }

  @Test
  void pemCredentialsGiveATlsServerBuilder() throws Exception {
    ServerCredentials creds = serverCreds().clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL).build();
    NewServerBuilderResult r = new ListenRainServerProvider().newServerBuilderForPort(0, creds);
    assertThat(r.getError()).isNull();
    assertThat(r.getServerBuilder()).isInstanceOf(ListenRainServerBuilder.class);
  }
}
