package org.linkway.platform.pages;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.http.HttpCookie;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

/**
 * A signed-in person's token, kept by the browser in a cookie that script cannot read and other
 * sites cannot send with a form post. Only the pages ({@code /app/}) accept it: the API takes a
 * bearer token in the Authorization header alone.
 */
public final class SignInCookie {

  public static final String NAME = "linkway_session";
  /** Where the pages live; only requests under it may be signed in by cookie. */
  public static final String PAGES = "/app/";

  private SignInCookie() {}

  public static boolean isPage(ServerHttpRequest request) {
    return request.getPath().pathWithinApplication().value().startsWith(PAGES);
  }

  public static Optional<String> token(ServerHttpRequest request) {
    return Optional.ofNullable(request.getCookies().getFirst(NAME)).map(HttpCookie::getValue).filter(v -> !v.isBlank());
  }

  /** Keeps the token until it expires. */
  static void keep(ServerWebExchange exchange, String token, Instant expiresAt) {
    Duration left = expiresAt == null ? Duration.ofHours(1) : Duration.between(Instant.now(), expiresAt);
    exchange.getResponse().addCookie(cookie(exchange, token, left.isNegative() ? Duration.ZERO : left));
  }

  public static void forget(ServerWebExchange exchange) {
    exchange.getResponse().addCookie(cookie(exchange, "", Duration.ZERO));
  }

  private static ResponseCookie cookie(ServerWebExchange exchange, String value, Duration maxAge) {
    return ResponseCookie.from(NAME, value)
        .httpOnly(true)
        .secure("https".equals(exchange.getRequest().getURI().getScheme()))
        .sameSite("Lax")
        .path("/")
        .maxAge(maxAge)
        .build();
  }
}
