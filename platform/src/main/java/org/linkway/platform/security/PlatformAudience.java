package org.linkway.platform.security;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * A token is taken only when it was issued for this platform: its {@code aud} names the platform's
 * audience ({@code linkway.security.audience}). Without this, a token the same issuer signed for
 * another application (same keys, same {@code iss}) would be taken here too, with whatever role
 * claims that application's tokens carry.
 *
 * <p>Signing in to the pages with OpenID Connect keeps the issuer's ID token, whose {@code aud} is
 * the client id the platform registered there (the OpenID Connect rule): it was issued for this
 * platform as much as an access token for the audience. So the client ids of the registered OpenID
 * Connect clients are accepted as well, and nothing else. Spring Boot adds every such validator to
 * the resource server's JWT decoder, after its own checks of signature, expiry and issuer.
 */
public class PlatformAudience implements OAuth2TokenValidator<Jwt> {

  /** The local stack's audience: what its issuer ({@code LocalIssuer}) puts in every token. */
  public static final String LOCAL = "linkway";

  private final String audience;
  private final Set<String> accepted = new LinkedHashSet<>();

  PlatformAudience(@Value("${linkway.security.audience:" + LOCAL + "}") String audience,
      ObjectProvider<ReactiveClientRegistrationRepository> openIdClients) {
    if (audience == null || audience.isBlank()) {
      throw new IllegalStateException("linkway.security.audience is empty: set the audience this platform's tokens carry");
    }
    this.audience = audience.strip();
    accepted.add(this.audience);
    accepted.addAll(clientIds(openIdClients.getIfAvailable()));
  }

  @Override
  public OAuth2TokenValidatorResult validate(Jwt token) {
    List<String> audiences = token.getAudience();
    if (audiences != null && audiences.stream().anyMatch(accepted::contains)) {
      return OAuth2TokenValidatorResult.success();
    }
    return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN,
        "the token was not issued for this platform: its audience (aud) must include " + audience, null));
  }

  private static List<String> clientIds(ReactiveClientRegistrationRepository registrations) {
    if (!(registrations instanceof Iterable<?> all)) return List.of();
    return StreamSupport.stream(all.spliterator(), false)
        .map(ClientRegistration.class::cast).map(ClientRegistration::getClientId).toList();
  }
}
