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
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/** How the security filter answers a page, where the API would answer problem+json. A page's live streams are {@link org.linkway.platform.security.LiveStreams}'. */
public final class Pages {

  static final String REFUSED = "linkway/refused";

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
  public static Mono<Void> formExpired(Templates templates, ServerWebExchange exchange) {
    return page(exchange, HttpStatus.FORBIDDEN, templates.whole(REFUSED, new Refused("This form has expired", null)));
  }

  /** Signed in, but this page is someone else's. */
  public static Mono<Void> forbidden(Templates templates, ServerWebExchange exchange, String detail) {
    return page(exchange, HttpStatus.FORBIDDEN, templates.whole(REFUSED, new Refused("You cannot see this page", detail)));
  }

  /** The model of {@value #REFUSED}: without {@code detail}, the form had no token. */
  record Refused(String title, String detail) {}

  /** A plain page the security filter answers with (it answers before any controller, so the view is written here). */
  private static Mono<Void> page(ServerWebExchange exchange, HttpStatus status, String html) {
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
