package io.listenrain.benchmark.contender;

import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.listenrain.channel.ClientTls;
import io.listenrain.channel.ServerTls;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.grpc.ListenRainServerBuilder;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The TLS rows: ListenRain-gRPC and grpc-netty over TLS, both on the JDK's SSLEngine (no native library), with one
 * self-signed server certificate for {@code localhost} generated at start-up (EC P-256). Clients trust that
 * certificate and verify the host name.
 */
final class BenchTls {
  private BenchTls() {}

  private static final class Material {
    static final PrivateKey KEY;
    static final X509Certificate CERT;

    static {
      try {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(256);
        KeyPair pair = gen.generateKeyPair();
        X500Name name = new X500Name("CN=localhost");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
            Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), name,
            pair.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"),
            new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        CERT = new JcaX509CertificateConverter().getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        KEY = pair.getPrivate();
      } catch (Exception e) {
        throw new ExceptionInInitializerError(e);
      }
    }
  }

  /** ListenRain-gRPC over loopback TCP with TLS. */
  static GrpcTransport listenRain() {
    return GrpcTransport.of(
        name -> ListenRainServerBuilder.forAddress(Endpoints.loopbackEphemeral())
            .tls(ServerTls.builder(Material.KEY, Material.CERT).build()),
        (name, server) -> ListenRainChannelBuilder.forAddress("localhost", server.getPort())
            .tls(ClientTls.builder().trustCertificates(Material.CERT).build()));
  }

  /** grpc-netty over epoll with TLS (JDK provider, ALPN h2). */
  static GrpcTransport nettyEpoll() {
    return GrpcTransport.of(
        name -> NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .channelType(EpollServerSocketChannel.class)
            .bossEventLoopGroup(NettyTransports.epollBoss())
            .workerEventLoopGroup(NettyTransports.epollServer())
            .sslContext(serverContext()),
        (name, server) -> NettyChannelBuilder.forAddress("localhost", server.getPort())
            .channelType(EpollSocketChannel.class)
            .eventLoopGroup(NettyTransports.epollClient())
            .sslContext(clientContext()));
  }

  private static SslContext serverContext() {
    try {
      return GrpcSslContexts.configure(SslContextBuilder.forServer(Material.KEY, Material.CERT), SslProvider.JDK)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the server TLS context", e);
    }
  }

  private static SslContext clientContext() {
    try {
      return GrpcSslContexts.configure(SslContextBuilder.forClient().trustManager(Material.CERT), SslProvider.JDK)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the client TLS context", e);
    }
  }
}
