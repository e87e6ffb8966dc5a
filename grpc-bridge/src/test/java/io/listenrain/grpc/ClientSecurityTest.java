package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.listenrain.channel.ClientTls;
import org.junit.jupiter.api.Test;

class ClientSecurityTest {
  @Test
  void hostOfDropsThePortAndIpv6Brackets() {
    assertThat(ClientSecurity.hostOf("example.com:443")).isEqualTo("example.com");
    assertThat(ClientSecurity.hostOf("example.com")).isEqualTo("example.com");
    assertThat(ClientSecurity.hostOf("127.0.0.1:50051")).isEqualTo("127.0.0.1");
    assertThat(ClientSecurity.hostOf("[::1]:8443")).isEqualTo("::1");
  }

  @Test
  void recipeVerifiesEachChannelAuthorityAndCachesIt() {
    ClientSecurity s = ClientSecurity.jdkDefaults();
    ClientTls a = s.forAuthority("a.example:443");
    assertThat(a.authority()).contains("a.example");
    assertThat(a.hostnameVerification()).isTrue();
    assertThat(s.forAuthority("a.example:443")).isSameAs(a);
    assertThat(s.forAuthority("b.example:443").authority()).contains("b.example");
  }

  @Test
  void givenTlsNamingItsOwnAuthorityIsUsedAsGiven() {
    ClientTls tls = ClientTls.builder().authority("svc.internal").build();
    assertThat(ClientSecurity.fixed(tls).forAuthority("any.example:1")).isSameAs(tls);
  }

  @Test
  void givenTlsWithoutAnAuthorityVerifiesEachChannelAuthority() {
    ClientTls tls = ClientTls.builder().build();
    ClientSecurity s = ClientSecurity.fixed(tls);
    ClientTls a = s.forAuthority("a.example:443");
    assertThat(a.authority()).contains("a.example");
    assertThat(s.forAuthority("a.example:443")).isSameAs(a);
    assertThat(tls.authority()).isEmpty();
  }
}
