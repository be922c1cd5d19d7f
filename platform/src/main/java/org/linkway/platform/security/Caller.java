package org.linkway.platform.security;

import java.util.Optional;
import org.linkway.platform.web.ProblemException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import reactor.core.publisher.Mono;

/**
 * The party behind a request, read from its verified token: a role and the organisation it acts for
 * (a practice's or an ICB's ODS code, or a provider id; none for an admin). What the audit trail
 * records as the actor.
 */
public record Caller(Role role, String organisation, String subject) {

  public static final String ROLE_CLAIM = "linkway_role";
  public static final String ODS_CLAIM = "ods";
  public static final String PROVIDER_CLAIM = "provider_id";

  /** The caller of a token, if it names a known role and, except for an admin, its organisation. */
  public static Optional<Caller> of(Authentication authentication) {
    if (!(authentication instanceof JwtAuthenticationToken token)) return Optional.empty();
    Jwt jwt = token.getToken();
    return Role.fromClaim(jwt.getClaim(ROLE_CLAIM)).flatMap(role -> {
      String organisation = switch (role) {
        case GP, COMMISSIONER -> jwt.getClaimAsString(ODS_CLAIM);
        case PROVIDER -> jwt.getClaimAsString(PROVIDER_CLAIM);
        case ADMIN -> null;
      };
      if (role != Role.ADMIN && (organisation == null || organisation.isBlank())) return Optional.empty();
      return Optional.of(new Caller(role, organisation, jwt.getSubject()));
    });
  }

  /** The caller of the request being handled (the security filter lets only known callers reach a controller). */
  public static Mono<Caller> current() {
    return ofCurrentRequest()
        .switchIfEmpty(Mono.error(() -> new ProblemException.Forbidden("the request names no Linkway caller")));
  }

  /** The caller, or nothing outside a request (a stream processor, a scheduled task). */
  public static Mono<Caller> ofCurrentRequest() {
    return ReactiveSecurityContextHolder.getContext()
        .map(SecurityContext::getAuthentication)
        .flatMap(authentication -> Mono.justOrEmpty(of(authentication)));
  }

  public boolean is(Role role, String organisation) {
    return this.role == role && organisation != null && organisation.equals(this.organisation);
  }

  /** How refusals name the caller: {@code gp D82044}, {@code provider p-1}, {@code admin}. */
  public String actor() {
    return organisation == null ? role.claimValue() : role.claimValue() + " " + organisation;
  }

  /**
   * How the audit trail records the caller: {@link #actor()}, and the token's subject when it names
   * someone more precise than the organisation (a person or a system at a real issuer).
   */
  public String auditName() {
    String plain = role.claimValue() + (organisation == null ? "" : ":" + organisation);
    return subject == null || subject.isBlank() || subject.equals(plain) ? actor() : actor() + " (" + subject + ")";
  }
}
