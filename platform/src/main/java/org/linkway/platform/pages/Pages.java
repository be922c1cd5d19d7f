package org.linkway.platform.pages;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.server.WebFilterExchange;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/** How the security filter answers a page, where the API would answer problem+json. A page's live streams are {@link org.linkway.platform.security.LiveStreams}'. */
public final class Pages {

  private Pages() {}

  /**
   * Not signed in (or the sign-in has run out): to the sign-in page, and back afterwards to the page
   * the person was on. For a form post or a part of a page (htmx), that is the page it came from, not
   * the address it posted to.
   */
  public static Mono<Void> toSignIn(ServerWebExchange exchange) {
    var request = exchange.getRequest();
    boolean htmx = request.getHeaders().containsHeader("HX-Request");
    Optional<String> back = request.getMethod() == HttpMethod.GET && !htmx
        ? Optional.of(request.getPath().pathWithinApplication().value()
            + (request.getURI().getRawQuery() == null ? "" : "?" + request.getURI().getRawQuery()))
        : Optional.ofNullable(request.getHeaders().getFirst("HX-Current-URL"))
            .or(() -> Optional.ofNullable(request.getHeaders().getFirst(HttpHeaders.REFERER)))
            .flatMap(Pages::pageOf);
    if (SignInCookie.token(request).isPresent()) SignInCookie.forget(exchange);
    var signIn = UriComponentsBuilder.fromPath("/sign-in");
    back.ifPresent(page -> signIn.queryParam("next", page));
    String location = signIn.encode().build().toUriString();
    var response = exchange.getResponse();
    if (htmx) {
      // a partial update cannot redirect the whole page by status: htmx follows this header instead
      response.setStatusCode(HttpStatus.UNAUTHORIZED);
      response.getHeaders().set("HX-Redirect", location);
    } else {
      response.setStatusCode(HttpStatus.SEE_OTHER);
      response.getHeaders().setLocation(URI.create(location));
    }
    return response.setComplete();
  }

  /** The page (path and query under {@code /app/}) an address of this site names, if it names one. */
  private static Optional<String> pageOf(String address) {
    try {
      URI uri = new URI(address);
      String page = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      return uri.getRawPath() != null && uri.getRawPath().startsWith(SignInCookie.PAGES) ? Optional.of(page) : Optional.empty();
    } catch (java.net.URISyntaxException e) {
      return Optional.empty();
    }
  }

  /** A form posted without its form token (or with one from another sign-in): say so, keep nothing. */
  public static Mono<Void> formExpired(ServerWebExchange exchange) {
    return page(exchange, HttpStatus.FORBIDDEN, "This form has expired",
        "<p>The form was sent without the token that shows it came from this site, or from a page opened "
            + "before you last signed in. Nothing was saved.</p><p>Go back, reload the page and try again.</p>");
  }

  /** Signed in, but this page is someone else's. */
  public static Mono<Void> forbidden(ServerWebExchange exchange, String detail) {
    return page(exchange, HttpStatus.FORBIDDEN, "You cannot see this page",
        "<p>You are signed in, but this page is for someone else: " + HtmlUtils.htmlEscape(detail) + ".</p>");
  }

  /** A plain page written by the security filter (it answers before any template could be rendered). */
  private static Mono<Void> page(ServerWebExchange exchange, HttpStatus status, String title, String body) {
    String html = """
        <!DOCTYPE html>
        <html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>%s - Linkway</title><link rel="stylesheet" href="/static/linkway.css"></head>
        <body><header class="site-header"><div class="width"><span class="brand">Linkway</span></div></header>
        <main class="width" id="main"><h1>%s</h1>
        %s
        <p><a href="/sign-in">Sign in as someone else</a></p></main></body></html>
        """.formatted(title, title, body);
    var response = exchange.getResponse();
    response.setStatusCode(status);
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
