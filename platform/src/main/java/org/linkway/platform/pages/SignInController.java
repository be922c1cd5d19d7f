package org.linkway.platform.pages;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.linkway.platform.security.Role;
import org.linkway.platform.security.Secrets;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.ui.Model;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Signing in to the pages. With an OpenID Connect client registered
 * ({@code spring.security.oauth2.client.registration.<id>.*}), the page sends people to that
 * issuer. Otherwise, on the local stack alone (the {@code local} profile), a person picks a demo
 * party and the local token issuer ({@code linkway.sign-in.local-issuer}) signs a token for it.
 * Without either, nobody can sign in and the page says that signing in is not configured: a
 * deployment that forgot its issuer must not hand out tokens, the administrator's included. Either way the browser keeps the token
 * in {@link SignInCookie} and every page checks it exactly as the API checks a bearer token.
 */
@PageController
class SignInController {

  static final List<SignInChoices.Party> DEMO_PARTIES = List.of(
      new SignInChoices.Party(Role.GP, "D82044", "GP practice or link worker, practice D82044"),
      new SignInChoices.Party(Role.COMMISSIONER, "QMM", "Commissioner, Norfolk and Waveney ICB (QMM)"),
      new SignInChoices.Party(Role.ADMIN, null, "Platform administrator"));

  static final String VIEW = "linkway/sign-in";

  static final String NOT_CONFIGURED = "Signing in is not configured on this service: its operator must register an "
      + "OpenID Connect client (spring.security.oauth2.client.registration.<id>.*).";

  private final WebClient issuer;
  private final ReactiveJwtDecoder tokens;
  private final List<ClientRegistration> openIdIssuers;
  private final List<SignInChoices> choices;
  private final Optional<PageHome> home;
  /** Whether the local stack's demo sign-in is on: the local profile and no OpenID Connect client. */
  private final boolean demo;

  SignInController(@Value("${linkway.sign-in.local-issuer:http://127.0.0.1:8089}") String localIssuer,
      ReactiveJwtDecoder tokens, ObjectProvider<ReactiveClientRegistrationRepository> registrations,
      List<SignInChoices> choices, ObjectProvider<PageHome> home, Environment environment) {
    this.issuer = WebClient.create(localIssuer);
    this.tokens = tokens;
    ReactiveClientRegistrationRepository repository = registrations.getIfAvailable();
    this.openIdIssuers = repository instanceof Iterable<?> all
        ? StreamSupport.stream(all.spliterator(), false).map(ClientRegistration.class::cast).toList() : List.of();
    this.choices = choices;
    this.home = Optional.ofNullable(home.getIfAvailable());
    this.demo = openIdIssuers.isEmpty() && environment.acceptsProfiles(Profiles.of(Secrets.LOCAL_PROFILE));
  }

  /**
   * The model of {@code linkway/sign-in}: {@code next}, the page to go back to; {@code parties}, the demo
   * parties to pick from (on the local stack alone); {@code homes}, this service's pages; {@code error}
   * and its {@code errorField}, why signing in failed.
   */
  record SignIn(String next, List<ClientRegistration> openIdIssuers, boolean demo, List<SignInChoices.Party> parties,
      Role[] roles, boolean signedOut, boolean signedIn, List<String> homes, String error, String errorField) {}

  @GetMapping("/sign-in")
  String signInPage(@RequestParam(required = false) String next, @RequestParam(defaultValue = "false") boolean signedOut,
      @RequestParam(defaultValue = "false") boolean signedIn, Model model) {
    return Templates.page(model, VIEW, signIn(next, signedOut, signedIn, null, null));
  }

  private SignIn signIn(String next, boolean signedOut, boolean signedIn, String error, String errorField) {
    return new SignIn(safeNext(next).orElse(""), openIdIssuers, demo, demo ? demoParties() : List.of(), Role.values(),
        signedOut, signedIn, home.map(h -> java.util.Arrays.stream(Role.values())
            .flatMap(role -> h.pathFor(role).stream()).distinct().toList()).orElse(List.of()), error, errorField);
  }

  /** The parties to pick from on the local stack: asked of the services' choices only there, never in a deployment. */
  private List<SignInChoices.Party> demoParties() {
    List<SignInChoices.Party> parties = new ArrayList<>(DEMO_PARTIES);
    choices.forEach(c -> parties.addAll(c.parties()));
    return parties;
  }

  /** The local stack's demo sign-in: a token for the party picked, from the local issuer. */
  @PostMapping(path = "/sign-in", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
  Mono<String> signIn(ServerWebExchange exchange, Model model) {
    return exchange.getFormData().flatMap(form -> {
      Role role = Role.fromClaim(form.getFirst("role")).orElse(null);
      String organisation = Optional.ofNullable(form.getFirst("organisation")).map(String::strip).orElse("");
      String next = form.getFirst("next");
      if (!openIdIssuers.isEmpty()) {
        return Mono.just(failed(model, next, HttpStatus.BAD_REQUEST, "role", exchange,
            "Sign in with " + openIdIssuers.get(0).getClientName() + "."));
      }
      if (!demo) {
        return Mono.just(failed(model, next, HttpStatus.FORBIDDEN, "role", exchange, NOT_CONFIGURED));
      }
      if (role == null) {
        return Mono.just(failed(model, next, HttpStatus.BAD_REQUEST, "role", exchange, "Choose who you are signing in as."));
      }
      if (role != Role.ADMIN && !organisation.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
        return Mono.just(failed(model, next, HttpStatus.BAD_REQUEST, "organisation", exchange,
            "Enter the organisation's code: an ODS code for a practice or commissioner, the provider's id for a provider."));
      }
      var request = new LinkedMultiValueMap<String, String>();
      request.add("role", role.claimValue());
      request.add("organisation", organisation);
      return issuer.post().uri("/sign-in/token").body(BodyInserters.fromFormData(request))
          .retrieve().bodyToMono(String.class)
          .flatMap(token -> tokens.decode(token).map(jwt -> {
            SignInCookie.keep(exchange, token, jwt.getExpiresAt());
            return "redirect:" + safeNext(next).or(() -> home.flatMap(h -> h.pathFor(role))).orElse("/sign-in?signedIn=true");
          }))
          .onErrorResume(e -> Mono.just(failed(model, next, HttpStatus.SERVICE_UNAVAILABLE, "role", exchange,
              "Signing in is not working at the moment (the local token issuer did not answer). Try again shortly.")));
    });
  }

  @PostMapping("/sign-out")
  String signOut(ServerWebExchange exchange) {
    SignInCookie.forget(exchange);
    return "redirect:/sign-in?signedOut=true";
  }

  private String failed(Model model, String next, HttpStatus status, String field, ServerWebExchange exchange, String message) {
    exchange.getResponse().setStatusCode(status);
    return Templates.page(model, VIEW, signIn(next, false, false, message, field));
  }

  /** Only a page of this service may be gone to after signing in, never another site. */
  static Optional<String> safeNext(String next) {
    if (next == null || !next.startsWith(SignInCookie.PAGES) || next.contains("//") || next.contains("\\")) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(next);
      return uri.getHost() == null && uri.getScheme() == null ? Optional.of(next) : Optional.empty();
    } catch (java.net.URISyntaxException e) {
      return Optional.empty();
    }
  }
}
