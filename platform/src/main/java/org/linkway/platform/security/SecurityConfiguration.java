package org.linkway.platform.security;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every service is an OAuth2 resource server: each request but health carries a bearer token (a
 * JWT, verified against the issuer's keys: {@code spring.security.oauth2.resourceserver.jwt.*}),
 * and the service's {@link AccessRules} decide what its caller may do. Refusals are problem+json:
 * 401 without a valid token, 403 for what is someone else's.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
public class SecurityConfiguration {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /**
   * Open to anyone, without a token: health for the orchestrator, the API description for
   * integrators and the pages' static files. The rest of {@code /actuator} (metrics among it) is
   * the admin's: Prometheus scrapes with an admin token.
   */
  static final String[] PUBLIC_GET_PATHS = {
      "/actuator/health", "/actuator/health/**",
      "/v3/api-docs", "/v3/api-docs/**", "/v3/api-docs.yaml", "/swagger-ui.html", "/swagger-ui/**",
      "/webjars/**", "/static/**", "/favicon.ico"};

  @Bean
  SecurityWebFilterChain linkwaySecurity(ServerHttpSecurity http, AccessRules rules) {
    ServerAuthenticationEntryPoint unauthorized = SecurityConfiguration::unauthorized;
    ServerAccessDeniedHandler forbidden = (exchange, denied) -> exchange.getPrincipal()
        .flatMap(principal -> Mono.justOrEmpty(principal instanceof Authentication a ? Caller.of(a) : Optional.empty()))
        .map(caller -> caller.actor() + " may not " + exchange.getRequest().getMethod() + " "
            + exchange.getRequest().getPath().value())
        .defaultIfEmpty("the token names no Linkway role (claim " + Caller.ROLE_CLAIM + ") or no organisation")
        .flatMap(detail -> problem(exchange, HttpStatus.FORBIDDEN, detail));
    return http
        // bearer tokens only: no cookies, sessions or forms, so no CSRF to guard against
        .csrf(ServerHttpSecurity.CsrfSpec::disable)
        .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
        .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
        .logout(ServerHttpSecurity.LogoutSpec::disable)
        .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
        .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
        .exceptionHandling(e -> e.authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden))
        .oauth2ResourceServer(server -> server.jwt(jwt -> {})
            .authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden))
        .authorizeExchange(exchanges -> {
          exchanges.pathMatchers(HttpMethod.GET, PUBLIC_GET_PATHS).permitAll();
          rules.apply(exchanges);
          exchanges.pathMatchers("/actuator/**").access(Access.anyOf(Role.ADMIN));
          // an endpoint missing from the table is refused, never open by accident
          exchanges.anyExchange().denyAll();
        })
        .build();
  }

  private static Mono<Void> unauthorized(ServerWebExchange exchange, AuthenticationException e) {
    String detail = e instanceof OAuth2AuthenticationException oauth && oauth.getError().getDescription() != null
        ? "the bearer token was refused: " + oauth.getError().getDescription()
        : "a bearer token is required (Authorization: Bearer <token>)";
    exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE,
        e instanceof OAuth2AuthenticationException ? "Bearer error=\"invalid_token\"" : "Bearer");
    return problem(exchange, HttpStatus.UNAUTHORIZED, detail);
  }

  static Mono<Void> problem(ServerWebExchange exchange, HttpStatus status, String detail) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", URI.create("https://linkway.org/problems/" + status.name().toLowerCase().replace('_', '-')).toString());
    body.put("title", status.getReasonPhrase());
    body.put("status", status.value());
    body.put("detail", detail);
    body.put("instance", exchange.getRequest().getPath().value());
    var response = exchange.getResponse();
    response.setStatusCode(status);
    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(JSON.writeValueAsBytes(body))));
  }
}
