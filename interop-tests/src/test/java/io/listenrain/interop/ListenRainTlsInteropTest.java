package io.listenrain.interop;

import io.listenrain.channel.ClientTls;
import io.listenrain.channel.ServerTls;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.grpc.ListenRainServerBuilder;
import io.listenrain.testing.TestCertificates;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.junit.Test;

/**
 * grpc-java's interop suite over ListenRain TCP with mutual TLS, as grpc-java runs it for Netty
 * ({@code Http2NettyTest}): the server requires a client certificate signed by the test CA, the client verifies
 * the server's certificate and hostname. Certificates are generated at test time ({@link TestCertificates}).
 */
public class ListenRainTlsInteropTest extends ListenRainInteropTestBase {
  private static final TestCertificates CERTS = TestCertificates.shared();

  @Override
  protected SocketAddress bindAddress() {
    return new InetSocketAddress("127.0.0.1", 0);
  }

  @Override
  protected ListenRainServerBuilder configure(ListenRainServerBuilder builder) {
    return super.configure(builder).tls(ServerTls.builder(CERTS.server().key(), CERTS.server().chain())
        .trustCertificates(CERTS.ca())
        .clientAuth(ServerTls.ClientAuth.REQUIRE)
        .build());
  }

  @Override
  protected ListenRainChannelBuilder configure(ListenRainChannelBuilder builder) {
    return super.configure(builder).tls(ClientTls.builder()
        .trustCertificates(CERTS.ca())
        .clientCertificate(CERTS.client().key(), CERTS.client().certificate()) // the leaf only, as grpc's test client
        .build());
  }

  /** The server call's SSL session carries the client's certificate (grpc's {@code Http2NettyTest.tlsInfo}). */
  @Test
  public void tlsInfo() {
    blockingStub.unaryCall(io.grpc.testing.integration.Messages.SimpleRequest.getDefaultInstance());
    assertX500SubjectDn(CERTS.client().certificate().getSubjectX500Principal().getName());
  }
}
