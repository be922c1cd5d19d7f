package org.linkway.platform.security;

import java.util.Optional;
import org.linkway.platform.pages.Pages;
import org.linkway.platform.pages.PagesConfiguration;
import org.linkway.platform.pages.SignInCookie;
import org.linkway.platform.pages.Templates;
import org.linkway.platform.web.ProblemHandler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.csrf.CookieServerCsrfTokenRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Every service is an OAuth2 resource server: each request but health carries a bearer token (a
 * JWT, verified against the issuer's keys: {@code spring.security.oauth2.resourceserver.jwt.*}),
 * and the service's {@link AccessRules} decide what its caller may do. Refusals are problem+json:
 * 401 without a valid token, 403 for what is someone else's. The pages ({@code /app/}) are signed
 * in by a cookie holding the same kind of token ({@link SignInCookie}); without one they send the
 * person to sign in, and their form posts must carry a form token.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
@Import({PagesConfiguration.class, LiveStreams.class, PlatformAudience.class, TrustedProxies.class})
public class SecurityConfiguration {


  /**
   * Open to anyone, without a token: health for the orchestrator, the API description for
   * integrators and the pages' static files. The rest of {@code /actuator} (metrics among it) is
   * the admin's: Prometheus scrapes with an admin token.
   */
  static final String[] PUBLIC_GET_PATHS = {
      "/actuator/health", "/actuator/health/**",
      "/v3/api-docs", "/v3/api-docs/**", "/v3/api-docs.yaml", "/swagger-ui.html", "/swagger-ui/**",
      "/webjars/**", "/static/**", "/favicon.ico"};

  /** Form posts from the pages (and signing in and out) must carry the form token: the cookie alone is not enough. */
  private static final ServerWebExchangeMatcher PAGE_FORM_POSTS = exchange -> {
    var request = exchange.getRequest();
    boolean changes = request.getMethod() != HttpMethod.GET && request.getMethod() != HttpMethod.HEAD
        && request.getMethod() != HttpMethod.OPTIONS;
    String path = request.getPath().pathWithinApplication().value();
    return changes && (SignInCookie.isPage(request) || path.equals("/sign-in") || path.equals("/sign-out"))
        ? ServerWebExchangeMatcher.MatchResult.match() : ServerWebExchangeMatcher.MatchResult.notMatch();
  };

  @Bean
  SecurityWebFilterChain linkwaySecurity(ServerHttpSecurity http, AccessRules rules,
      ObjectProvider<ReactiveClientRegistrationRepository> openIdIssuers, Templates templates,
      ObjectProvider<ReactiveJwtDecoder> decoders) {
    ServerAuthenticationEntryPoint unauthorized = SecurityConfiguration::unauthorized;
    ServerAccessDeniedHandler forbidden = (exchange, denied) -> exchange.getPrincipal()
        .flatMap(principal -> Mono.justOrEmpty(principal instanceof Authentication a ? Caller.of(a) : Optional.empty()))
        .map(caller -> caller.actor() + " may not " + exchange.getRequest().getMethod() + " "
            + exchange.getRequest().getPath().value())
        .defaultIfEmpty("the token names no Linkway role (claim " + Caller.ROLE_CLAIM + ") or no organisation")
        .flatMap(detail -> SignInCookie.isPage(exchange.getRequest())
            ? Pages.forbidden(templates, exchange, detail) : ProblemHandler.write(exchange, HttpStatus.FORBIDDEN, detail));
    ServerBearerTokenAuthenticationConverter header = new ServerBearerTokenAuthenticationConverter();
    // the API reads the Authorization header only; a page may instead be signed in by its cookie
    ServerAuthenticationConverter headerOrPageCookie = exchange -> header.convert(exchange)
        .switchIfEmpty(Mono.defer(() -> SignInCookie.isPage(exchange.getRequest())
            ? Mono.justOrEmpty(SignInCookie.token(exchange.getRequest())).map(BearerTokenAuthenticationToken::new)
            : Mono.empty()));
    if (openIdIssuers.getIfAvailable() != null) {
      // production: people sign in at the configured OpenID Connect issuer; its ID token is kept like a local one
      http.oauth2Login(login -> login.authenticationSuccessHandler(Pages::keepIdToken));
    }
    return http
        // the API takes bearer tokens, which a browser never sends by itself; the pages' form posts carry a form token
        .csrf(csrf -> csrf.requireCsrfProtectionMatcher(PAGE_FORM_POSTS)
            .csrfTokenRepository(CookieServerCsrfTokenRepository.withHttpOnlyFalse())
            .accessDeniedHandler((exchange, denied) -> Pages.formExpired(templates, exchange)))
        .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
        .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
        .logout(ServerHttpSecurity.LogoutSpec::disable)
        .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
        .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
        .exceptionHandling(e -> e.authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden))
        // a token verified once is taken as decoded on its caller's next requests (VerifiedTokens)
        .oauth2ResourceServer(server -> server.jwt(jwt -> decoders.ifAvailable(d -> jwt.jwtDecoder(new VerifiedTokens(d))))
            .bearerTokenConverter(headerOrPageCookie)
            .authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden))
        .authorizeExchange(exchanges -> {
          exchanges.pathMatchers(HttpMethod.GET, PUBLIC_GET_PATHS).permitAll();
          exchanges.pathMatchers("/sign-in", "/sign-out").permitAll();
          rules.apply(exchanges);
          exchanges.pathMatchers("/actuator/**").access(Access.anyOf(Role.ADMIN));
          // an endpoint missing from the table is refused, never open by accident
          exchanges.anyExchange().denyAll();
        })
        .build();
  }

  /**
   * Spring Security's own observations off: with an observation registry present it wraps every
   * filter of the chain, the authentication and the authorisation in an observation of its own,
   * which on the benchmark cost more than the checks themselves (issue 19). The request's own
   * observation (its trace, its {@code http.server.requests} timer) stays.
   */
  @Bean
  SecurityObservationSettings securityObservations() {
    return SecurityObservationSettings.noObservations();
  }

  private static Mono<Void> unauthorized(ServerWebExchange exchange, AuthenticationException e) {
    if (SignInCookie.isPage(exchange.getRequest())) return Pages.toSignIn(exchange);
    String detail = e instanceof OAuth2AuthenticationException oauth && oauth.getError().getDescription() != null
        ? "the bearer token was refused: " + oauth.getError().getDescription()
        : "a bearer token is required (Authorization: Bearer <token>)";
    exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE,
        e instanceof OAuth2AuthenticationException ? "Bearer error=\"invalid_token\"" : "Bearer");
    return ProblemHandler.write(exchange, HttpStatus.UNAUTHORIZED, detail);
  }

}
