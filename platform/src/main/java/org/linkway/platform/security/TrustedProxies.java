package org.linkway.platform.security;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.adapter.ForwardedHeaderTransformer;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

/**
 * {@code Forwarded} and {@code X-Forwarded-*} headers are believed only from the proxies named in
 * {@code linkway.security.trusted-proxies} (addresses or CIDR ranges, comma-separated; none by
 * default). Behind a TLS-terminating proxy they say the request was https to the public host: the
 * sign-in and form token cookies are then marked Secure and OpenID Connect's redirect address is
 * the public one. From anyone else they are removed unread, or a caller could choose the address
 * the issuer sends a person back to, or have cookies set without Secure.
 *
 * <p>The web handler takes the transformer by this bean name; Spring Boot's own (enabled by
 * {@code server.forward-headers-strategy=framework}, which trusts every sender) then stands back.
 */
@Component(WebHttpHandlerBuilder.FORWARDED_HEADER_TRANSFORMER_BEAN_NAME)
public class TrustedProxies extends ForwardedHeaderTransformer {

  private final List<Range> proxies;
  private final ForwardedHeaderTransformer remover = new ForwardedHeaderTransformer();

  TrustedProxies(@Value("${linkway.security.trusted-proxies:}") String proxies) {
    this.proxies = Arrays.stream(proxies.split(",")).map(String::strip).filter(p -> !p.isEmpty())
        .map(Range::parse).toList();
    remover.setRemoveOnly(true);
  }

  @Override
  public ServerHttpRequest apply(ServerHttpRequest request) {
    return fromTrustedProxy(request) ? super.apply(request) : remover.apply(request);
  }

  private boolean fromTrustedProxy(ServerHttpRequest request) {
    InetSocketAddress peer = request.getRemoteAddress();
    if (peer == null || peer.getAddress() == null || proxies.isEmpty()) return false;
    byte[] address = peer.getAddress().getAddress();
    return proxies.stream().anyMatch(proxy -> proxy.contains(address));
  }

  /** An address, or a CIDR range of them ({@code 10.0.0.0/8}, {@code fd00::/8}). */
  record Range(byte[] network, int prefixBits) {

    static Range parse(String written) {
      String[] parts = written.split("/", 2);
      // a literal address only (IPv4 dotted, or IPv6 with its colons): a host name would be looked
      // up, and could change
      boolean literal = parts[0].matches("\\d{1,3}(\\.\\d{1,3}){3}")
          || parts[0].matches("[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*");
      if (!literal) throw invalid(written);
      try {
        byte[] network = InetAddress.getByName(parts[0]).getAddress();
        int bits = parts.length == 1 ? network.length * 8 : Integer.parseInt(parts[1]);
        if (bits < 0 || bits > network.length * 8) throw invalid(written);
        return new Range(network, bits);
      } catch (UnknownHostException | NumberFormatException e) {
        throw invalid(written);
      }
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) return false;
      for (int bit = 0; bit < prefixBits; bit++) {
        int mask = 0x80 >> (bit % 8);
        if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) return false;
      }
      return true;
    }

    private static IllegalStateException invalid(String written) {
      return new IllegalStateException("linkway.security.trusted-proxies: '" + written
          + "' is not an IP address or a CIDR range of them (e.g. 10.0.0.5 or 10.0.0.0/8)");
    }
  }
}
