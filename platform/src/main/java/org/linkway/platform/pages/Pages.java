package org.linkway.platform.pages;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.server.WebFilterExchange;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/** How the security filter answers a page, where the API would answer problem+json. */
public final class Pages {

  private Pages() {}

  /** Not signed in (or the sign-in has run out): to the sign-in page, and back here afterwards. */
  public static Mono<Void> toSignIn(ServerWebExchange exchange) {
    var request = exchange.getRequest();
    String here = request.getPath().pathWithinApplication().value()
        + (request.getURI().getRawQuery() == null ? "" : "?" + request.getURI().getRawQuery());
    if (SignInCookie.token(request).isPresent()) SignInCookie.forget(exchange);
    boolean htmx = request.getHeaders().containsHeader("HX-Request");
    String signIn = UriComponentsBuilder.fromPath("/sign-in").queryParam("next", here).encode().build().toUriString();
    var response = exchange.getResponse();
    if (htmx) {
      // a partial update cannot redirect the whole page by status: htmx follows this header instead
      response.setStatusCode(HttpStatus.UNAUTHORIZED);
      response.getHeaders().set("HX-Redirect", signIn);
    } else {
      response.setStatusCode(HttpStatus.SEE_OTHER);
      response.getHeaders().setLocation(URI.create(signIn));
    }
    return response.setComplete();
  }

  /** Signed in, but this page is someone else's. */
  public static Mono<Void> forbidden(ServerWebExchange exchange, String detail) {
    String html = """
        <!DOCTYPE html>
        <html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>You cannot see this page - Linkway</title><link rel="stylesheet" href="/static/linkway.css"></head>
        <body><header class="site-header"><div class="width"><a class="brand" href="/sign-in">Linkway</a></div></header>
        <main class="width" id="main"><h1>You cannot see this page</h1>
        <p>You are signed in, but this page is for someone else: %s.</p>
        <p><a href="/sign-in">Sign in as someone else</a></p></main></body></html>
        """.formatted(HtmlUtils.htmlEscape(detail));
    var response = exchange.getResponse();
    response.setStatusCode(HttpStatus.FORBIDDEN);
    response.getHeaders().setContentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8));
    return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(html.getBytes(StandardCharsets.UTF_8))));
  }

  /**
   * After an OpenID Connect sign-in: the issuer's ID token is kept in the sign-in cookie, so that
   * every page checks it as the API checks a bearer token (the services trust that issuer's keys).
   */
  public static Mono<Void> keepIdToken(WebFilterExchange filterExchange, Authentication authentication) {
    ServerWebExchange exchange = filterExchange.getExchange();
    if (authentication.getPrincipal() instanceof OidcUser user) {
      SignInCookie.keep(exchange, user.getIdToken().getTokenValue(), user.getIdToken().getExpiresAt());
    }
    exchange.getResponse().setStatusCode(HttpStatus.SEE_OTHER);
    exchange.getResponse().getHeaders().setLocation(URI.create("/sign-in?signedIn=true"));
    return exchange.getResponse().setComplete();
  }
}
