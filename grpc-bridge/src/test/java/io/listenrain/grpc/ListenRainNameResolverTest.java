package io.listenrain.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing of {@code listenrain://} targets and the provider's registration rules. */
class ListenRainNameResolverTest {

  @Test
  void parsesACommaSeparatedListOfHostPorts() {
    List<InetSocketAddress> a = ListenRainNameResolver.parse("example.com:50051, 10.0.0.1:7,[::1]:8080");
    assertThat(a).extracting(InetSocketAddress::getHostString).containsExactly("example.com", "10.0.0.1", "::1");
    assertThat(a).extracting(InetSocketAddress::getPort).containsExactly(50051, 7, 8080);
  }

  @Test
  void rejectsTargetsWithoutAPort() {
    assertThatThrownBy(() -> ListenRainNameResolver.parse("example.com")).isInstanceOf(
        IllegalArgumentException.class);
    assertThatThrownBy(() -> ListenRainNameResolver.parse("example.com:")).isInstanceOf(
        IllegalArgumentException.class);
    assertThatThrownBy(() -> ListenRainNameResolver.parse("h:notaport")).isInstanceOf(
        IllegalArgumentException.class);
  }

  @Test
  void takesTheAddressListFromTheAuthorityOrFromThePathLikeDns() {
    assertThat(ListenRainNameResolver.addressList(URI.create("listenrain://a:1,b:2"))).isEqualTo("a:1,b:2");
    assertThat(ListenRainNameResolver.addressList(URI.create("listenrain://a:1/"))).isEqualTo("a:1");
    assertThat(ListenRainNameResolver.addressList(URI.create("listenrain:///a:1,%5B::1%5D:2")))
        .isEqualTo("a:1,[::1]:2");
  }

  @Test
  void rejectsTargetsWithNoAddressOrWithTwo() {
    assertThatThrownBy(() -> ListenRainNameResolver.addressList(URI.create("listenrain:///")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs host:port");
    assertThatThrownBy(() -> ListenRainNameResolver.addressList(URI.create("listenrain://a:1/b:2")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both an authority and a path");
  }

  @Test
  void providerClaimsOnlyItsSchemeBelowDnsPriority() {
    ListenRainNameResolverProvider p = new ListenRainNameResolverProvider();
    assertThat(p.getDefaultScheme()).isEqualTo("listenrain");
    assertThat(p.priority()).isLessThanOrEqualTo(4);
    assertThat(p.newNameResolver(URI.create("dns:///example.com:1"), null)).isNull();
    assertThat(p.getProducedSocketAddressTypes()).containsExactly(ListenRainSocketAddress.class);
  }
}
