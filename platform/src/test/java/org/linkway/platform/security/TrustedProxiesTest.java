package org.linkway.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

/**
 * Which senders' X-Forwarded-* headers are believed (issue 13 point 11); SignInTest shows the
 * same over HTTP, on the OpenID Connect redirect address and the sign-in cookie.
 */
class TrustedProxiesTest {

  private static ServerHttpRequest forwardedFrom(String sender) {
    return MockServerHttpRequest.get("http://10.9.9.9:8081/app/referrals")
        .remoteAddress(new InetSocketAddress(sender, 40000))
        .header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "linkway.example")
        .header("X-Forwarded-Port", "443").build();
  }

  @ParameterizedTest(name = "{1} trusts {0}")
  @CsvSource(delimiter = ';', value = {"10.1.2.3; 10.0.0.0/8", "192.168.4.7; 127.0.0.1, 192.168.4.7",
      "fd00::5; fd00::/8", "172.16.0.1; 172.16.0.0/12"})
  void fromATrustedProxy_theForwardedAddressIsBelieved(String sender, String trusted) {
    ServerHttpRequest seen = new TrustedProxies(trusted).apply(forwardedFrom(sender));

    assertThat(seen.getURI().toString()).isEqualTo("https://linkway.example/app/referrals");
  }

  @ParameterizedTest(name = "\"{1}\" does not trust {0}")
  @CsvSource(delimiter = ';', value = {"10.1.2.3; ''", "11.1.2.3; 10.0.0.0/8", "192.168.4.8; 192.168.4.7",
      "127.0.0.1; 127.0.0.2", "fe80::1; fd00::/8", "172.32.0.1; 172.16.0.0/12"})
  void fromAnyoneElse_theHeadersAreRemovedUnread(String sender, String trusted) {
    ServerHttpRequest seen = new TrustedProxies(trusted).apply(forwardedFrom(sender));

    assertThat(seen.getURI().toString()).isEqualTo("http://10.9.9.9:8081/app/referrals");
    assertThat(seen.getHeaders().headerNames()).noneMatch(name -> name.toLowerCase().startsWith("x-forwarded"));
  }

  @ParameterizedTest(name = "\"{0}\" is refused")
  @ValueSource(strings = {"proxy.example", "cafe.bad", "face", "10.0.0/8", "10.0.0.0/33", "10.0.0.0/x", "fd00::/129", "*"})
  void aSettingThatIsNoAddressOrRange_stopsTheServiceNamingIt(String setting) {
    assertThatThrownBy(() -> new TrustedProxies(setting)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("linkway.security.trusted-proxies").hasMessageContaining(setting);
  }

  @Test
  void withoutARemoteAddress_nothingIsBelieved() {
    ServerHttpRequest seen = new TrustedProxies("0.0.0.0/0").apply(MockServerHttpRequest
        .get("http://10.9.9.9:8081/app/referrals").header("X-Forwarded-Host", "linkway.example").build());

    assertThat(seen.getURI().getHost()).isEqualTo("10.9.9.9");
  }
}
