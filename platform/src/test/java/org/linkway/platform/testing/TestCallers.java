package org.linkway.platform.testing;

import java.time.Instant;
import org.linkway.platform.security.Caller;
import org.linkway.platform.security.Role;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.server.WebFilter;

/**
 * For controller tests bound without the security filter chain: a web filter that makes every
 * request come from one verified caller, as the resource server would after checking a token.
 */
public final class TestCallers {

  private TestCallers() {}

  public static WebFilter as(Role role, String organisation) {
    Jwt.Builder jwt = Jwt.withTokenValue("test-token").header("alg", "RS256")
        .subject(role.claimValue() + (organisation == null ? "" : ":" + organisation))
        .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(3600))
        .claim(Caller.ROLE_CLAIM, role.claimValue());
    if (organisation != null) {
      jwt.claim(role == Role.PROVIDER ? Caller.PROVIDER_CLAIM : Caller.ODS_CLAIM, organisation);
    }
    JwtAuthenticationToken authentication = new JwtAuthenticationToken(jwt.build());
    return (exchange, chain) -> chain.filter(exchange)
        .contextWrite(ReactiveSecurityContextHolder.withAuthentication(authentication));
  }
}
