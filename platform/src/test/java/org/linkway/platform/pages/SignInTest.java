package org.linkway.platform.pages;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.linkway.platform.security.Access;
import org.linkway.platform.security.AccessRules;
import org.linkway.platform.security.PlatformAudience;
import org.linkway.platform.security.Role;
import org.linkway.platform.security.Secrets;
import org.linkway.platform.security.SecurityConfiguration;
import org.linkway.platform.testing.TestStack;
import org.linkway.stack.LocalIssuer;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Signing in to the pages, on a small application with Linkway's security: the local demo sign-in
 * through the test issuer, the cookie that serves pages but never the API, the form token a page
 * post needs, and, with an OpenID Connect client registered, the way to the organisation's issuer.
 */
class SignInTest {

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import({SecurityConfiguration.class, Hello.class, HelloApi.class})
  static class PagesApplication {

    @Bean
    AccessRules helloRules() {
      return exchanges -> exchanges
          .pathMatchers("/app/hello", "/app/hello/**").access(Access.anyOf(Role.GP))
          .pathMatchers("/api/hello").access(Access.anyOf(Role.GP));
    }

    @Bean
    AskedChoices providerChoices() {
      return new AskedChoices();
    }

    @Bean
    PageHome helloHome() {
      return role -> role == Role.GP ? Optional.of("/app/hello") : Optional.empty();
    }
  }

  /**
   * A service's demo parties (as provider-service's come from its directory), counting each time they are asked: the
   * sign-in page asks only on the local stack.
   */
  static class AskedChoices implements SignInChoices {
    final java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public List<Party> parties() {
      asked.incrementAndGet();
      return List.of(new Party(Role.PROVIDER, "wensum-walkers", "Provider: Wensum Walkers"));
    }
  }

  @PageController
  static class Hello {
    @GetMapping("/app/hello")
    @ResponseBody
    String hello() {
      return "hello page";
    }

    @org.springframework.web.bind.annotation.PostMapping("/app/hello/wave")
    @ResponseBody
    String wave() {
      return "waved";
    }

    @GetMapping("/app/hello/changed")
    String changed() {
      throw new org.linkway.platform.web.ProblemException.Conflict("referral r-1 was completed by the provider meanwhile");
    }
  }

  @RestController
  static class HelloApi {
    @GetMapping("/api/hello")
    String hello() {
      return "hello api";
    }
  }

  /** An OpenID Connect client registered as production does (client id {@code linkway}), and the API's audience. */
  static final String OPENID_CONNECT_CLIENT = "classpath:org/linkway/platform/pages/openid-connect-client.properties";
  static final String PRODUCTION_AUDIENCE = "https://api.linkway.example";

  /** What a TLS-terminating proxy adds, here sent by whoever calls: the request was https, to another host. */
  static void forwardedAsHttpsTo(HttpHeaders headers, String host) {
    headers.set("X-Forwarded-Proto", "https");
    headers.set("X-Forwarded-Host", host);
    headers.set("X-Forwarded-Port", "443");
    headers.set("Forwarded", "proto=https;host=" + host);
  }

  /** Signs in as the demo GP with the headers given; the sign-in cookie set. */
  static org.springframework.http.ResponseCookie signInAsTheDemoGp(WebTestClient http,
      java.util.function.Consumer<HttpHeaders> headers) {
    FormToken token = formToken(http);
    return http.post().uri("/sign-in").headers(headers).cookie("XSRF-TOKEN", token.cookie())
        .contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue("role=gp&organisation=D82044&" + formField(token))
        .exchange().expectStatus().isSeeOther()
        .returnResult(String.class).getResponseCookies().getFirst(SignInCookie.NAME);
  }

  /** The form token as a browser holds it: the cookie, and the masked copy in the sign-in page's form. */
  record FormToken(String cookie, String field) {}

  static FormToken formToken(WebTestClient http) {
    var signInPage = http.get().uri("/sign-in").exchange().expectStatus().isOk().returnResult(String.class);
    String html = String.join("", signInPage.getResponseBody().collectList().block());
    assertThat(html).contains("GP practice or link worker");
    var field = java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(html);
    assertThat(field.find()).isTrue();
    return new FormToken(signInPage.getResponseCookies().getFirst("XSRF-TOKEN").getValue(), field.group(1));
  }

  static String formField(FormToken token) {
    return "_csrf=" + java.net.URLEncoder.encode(token.field(), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The first request warms up the JVM (the issuer's keys, codecs, templates), slowly on a busy machine. */
  static final java.time.Duration FIRST_ANSWER_WITHIN = java.time.Duration.ofSeconds(30);

  static WebTestClient client(int port) {
    return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(FIRST_ANSWER_WITHIN).build();
  }

  /** The address a proxy calls from in these tests: another loopback address than the tests' own 127.0.0.1. */
  static final String PROXY = "127.0.0.2";

  /** A client calling from {@link #PROXY}. */
  static WebTestClient clientFromTheProxy(int port) {
    var http = reactor.netty.http.client.HttpClient.create()
        .bindAddress(() -> new java.net.InetSocketAddress(PROXY, 0));
    return WebTestClient.bindToServer(new org.springframework.http.client.reactive.ReactorClientHttpConnector(http))
        .baseUrl("http://127.0.0.1:" + port).responseTimeout(FIRST_ANSWER_WITHIN).build();
  }

  /** The test application served on a free loopback port, checking tokens against the test stack's issuer. */
  @SpringBootTest(classes = PagesApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
      properties = {"server.address=127.0.0.1", "spring.main.web-application-type=reactive"})
  abstract static class Served {

    @LocalServerPort
    int port;

    @org.springframework.beans.factory.annotation.Autowired
    AskedChoices choices;

    @DynamicPropertySource
    static void jwkSet(DynamicPropertyRegistry properties) {
      properties.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", TestStack::jwkSetUri);
    }
  }

  @Nested
  @ActiveProfiles(Secrets.LOCAL_PROFILE)
  class OnTheLocalStack extends Served {

    @DynamicPropertySource
    static void issuer(DynamicPropertyRegistry properties) {
      properties.add("linkway.sign-in.local-issuer", TestStack::issuerUrl);
    }

    @Test
    void theSignInPage_offersTheServicesDemoParties() {
      int before = choices.asked.get();
      client(port).get().uri("/sign-in").exchange().expectStatus().isOk().expectBody(String.class).value(html ->
          assertThat(html).contains("Platform administrator", "Provider: Wensum Walkers"));
      assertThat(choices.asked).hasValue(before + 1);
    }

    @Test
    void aPageWithoutSignIn_sendsThePersonToSignInAndBack() {
      client(port).get().uri("/app/hello?x=1").accept(MediaType.TEXT_HTML).exchange()
          .expectStatus().isSeeOther()
          .expectHeader().valueEquals(HttpHeaders.LOCATION, "/sign-in?next=/app/hello?x%3D1");
    }

    @Test
    void signingInAsADemoParty_keepsTheTokenInACookieThatServesPagesButNotTheApi() {
      WebTestClient http = client(port);
      FormToken token = formToken(http);
      String csrfCookie = token.cookie();
      String csrf = token.field();
      var signedIn = http.post().uri("/sign-in").cookie("XSRF-TOKEN", csrfCookie)
          .contentType(MediaType.APPLICATION_FORM_URLENCODED)
          .bodyValue("role=gp&organisation=D82044&_csrf=" + java.net.URLEncoder.encode(csrf, java.nio.charset.StandardCharsets.UTF_8)).exchange()
          .expectStatus().isSeeOther().expectHeader().valueEquals(HttpHeaders.LOCATION, "/app/hello")
          .returnResult(String.class);
      var cookie = signedIn.getResponseCookies().getFirst(SignInCookie.NAME);
      assertThat(cookie.isHttpOnly()).isTrue();
      assertThat(cookie.getSameSite()).isEqualTo("Lax");
      assertThat(cookie.getMaxAge().toHours()).isBetween(7L, 8L);

      http.get().uri("/app/hello").cookie(SignInCookie.NAME, cookie.getValue()).exchange()
          .expectStatus().isOk().expectBody(String.class).isEqualTo("hello page");
      // the API takes the Authorization header only: a cookie a browser sends by itself is not enough
      http.get().uri("/api/hello").cookie(SignInCookie.NAME, cookie.getValue()).exchange()
          .expectStatus().isUnauthorized();
      http.get().uri("/api/hello").headers(h -> h.setBearerAuth(cookie.getValue())).exchange()
          .expectStatus().isOk();
      // a page's form post needs the form token as well as the cookie
      http.post().uri("/app/hello/wave").cookie(SignInCookie.NAME, cookie.getValue()).exchange()
          .expectStatus().isForbidden();
      http.post().uri("/app/hello/wave").cookie(SignInCookie.NAME, cookie.getValue()).cookie("XSRF-TOKEN", csrfCookie)
          .contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue("_csrf=" + java.net.URLEncoder.encode(csrf, java.nio.charset.StandardCharsets.UTF_8)).exchange()
          .expectStatus().isOk().expectBody(String.class).isEqualTo("waved");
    }

    @Test
    void signingInWithoutTheFormToken_isRefusedWithAPageThatSaysSo() {
      client(port).post().uri("/sign-in").contentType(MediaType.APPLICATION_FORM_URLENCODED)
          .bodyValue("role=admin").exchange().expectStatus().isForbidden()
          .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
          .expectBody(String.class).value(html -> assertThat(html).contains("This form has expired", "Nothing was saved"));
    }

    @Test
    void aFormPostedAfterTheSignInRanOut_returnsThePersonToThePageTheFormWasOn() {
      FormToken token = formToken(client(port));
      client(port).post().uri("/app/hello/wave").header(HttpHeaders.REFERER, "http://127.0.0.1:" + port + "/app/hello?tab=2")
          .cookie("XSRF-TOKEN", token.cookie()).contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue(formField(token))
          .exchange().expectStatus().isSeeOther()
          .expectHeader().valueEquals(HttpHeaders.LOCATION, "/sign-in?next=/app/hello?tab%3D2");
      // htmx asks for a part of a page: the whole page is sent to sign in, and back to the page it was on
      client(port).get().uri("/app/hello/part").header("HX-Request", "true")
          .header("HX-Current-URL", "http://127.0.0.1:" + port + "/app/hello")
          .exchange().expectStatus().isUnauthorized()
          .expectHeader().valueEquals("HX-Redirect", "/sign-in?next=/app/hello");
      // another site's address is never where a person is sent: at most its path, on this site
      client(port).post().uri("/app/hello/wave").header(HttpHeaders.REFERER, "https://elsewhere.example/app/x")
          .cookie("XSRF-TOKEN", token.cookie()).contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue(formField(token))
          .exchange().expectStatus().isSeeOther().expectHeader().value(HttpHeaders.LOCATION, location ->
              assertThat(location).startsWith("/sign-in").doesNotContain("elsewhere"));
    }

    @Test
    void whatTheServiceRefusesAPage_isShownAsAPageInWords() {
      client(port).get().uri("/app/hello/changed").accept(MediaType.TEXT_HTML)
          .headers(h -> h.setBearerAuth(TestStack.issuer().gp("D82044"))).exchange()
          .expectStatus().isEqualTo(409)
          .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
          .expectBody(String.class).value(html -> assertThat(html)
              .contains("This has changed since you opened the page", "referral r-1 was completed by the provider meanwhile"));
    }

    @Test
    void aPagesLiveStream_endsWhenTheSignInExpires() {
      var jwt = org.springframework.security.oauth2.jwt.Jwt.withTokenValue("t").header("alg", "none")
          .claim("linkway_role", "gp").claim("ods", "D82044")
          .issuedAt(java.time.Instant.now()).expiresAt(java.time.Instant.now().plusMillis(300)).build();
      var streams = new org.linkway.platform.security.LiveStreams(10);
      var ticks = streams.ofCaller(reactor.core.publisher.Flux.interval(java.time.Duration.ofMillis(50)))
          .contextWrite(org.springframework.security.core.context.ReactiveSecurityContextHolder.withAuthentication(
              new org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken(jwt)))
          .collectList().block(java.time.Duration.ofSeconds(10));
      assertThat(ticks).isNotEmpty().hasSizeLessThan(20);
      // without a sign-in there is no stream at all
      assertThat(streams.ofCaller(reactor.core.publisher.Flux.just(1, 2)).collectList().block()).isEmpty();
    }

    @Test
    void aPageOfAnotherRole_isRefusedWithAPageThatSaysWhy() {
      client(port).get().uri("/app/hello").cookie(SignInCookie.NAME, TestStack.issuer().provider("p-1")).exchange()
          .expectStatus().isForbidden()
          .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
          .expectBody(String.class).value(html -> assertThat(html).contains("provider p-1 may not GET /app/hello"));
    }

    /** Issue 13 point 11: a token the issuer signed for another application (or for none) is not taken here. */
    @Test
    void aTokenForAnotherAudienceOrNone_isRefusedWith401ByTheApiAndSentToSignInByThePages() {
      LocalIssuer issuer = TestStack.issuer();
      for (String audience : java.util.Arrays.asList("another-application", null)) {
        String token = issuer.forAudience(audience, "gp", LocalIssuer.ODS_CLAIM, "D82044");
        client(port).get().uri("/api/hello").headers(h -> h.setBearerAuth(token)).exchange()
            .expectStatus().isUnauthorized()
            .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody(String.class).value(body -> assertThat(body)
                .contains("\"status\":401", "its audience (aud) must include " + PlatformAudience.LOCAL));
        client(port).get().uri("/app/hello").cookie(SignInCookie.NAME, token).exchange()
            .expectStatus().isSeeOther().expectHeader().valueEquals(HttpHeaders.LOCATION, "/sign-in?next=/app/hello");
      }
      // the same token for this platform's audience is taken
      String ours = issuer.forAudience(PlatformAudience.LOCAL, "gp", LocalIssuer.ODS_CLAIM, "D82044");
      client(port).get().uri("/api/hello").headers(h -> h.setBearerAuth(ours)).exchange().expectStatus().isOk();
      assertThat(LocalIssuer.AUDIENCE).isEqualTo(PlatformAudience.LOCAL);
    }

    /** Issue 13 point 11: by default no proxy is trusted, so no caller's X-Forwarded-* headers are believed. */
    @Test
    void forwardedHeadersWhenNoProxyIsTrusted_doNotMakeTheSignInCookieSecure() {
      for (WebTestClient http : List.of(client(port), clientFromTheProxy(port))) {
        var cookie = signInAsTheDemoGp(http, h -> forwardedAsHttpsTo(h, "linkway.example"));

        assertThat(cookie.isSecure()).isFalse();
      }
    }

    @Test
    void afterSignIn_onlyAPageOfThisSiteIsGoneTo() {
      assertThat(SignInController.safeNext("/app/referrals/1?x=2")).contains("/app/referrals/1?x=2");
      assertThat(SignInController.safeNext("https://elsewhere.example/app/")).isEmpty();
      assertThat(SignInController.safeNext("//elsewhere.example/app/")).isEmpty();
      assertThat(SignInController.safeNext("/app//elsewhere.example")).isEmpty();
      assertThat(SignInController.safeNext("/actuator/env")).isEmpty();
    }
  }

  /** A deployment without the local profile that has not registered an OpenID Connect client: nobody signs in. */
  @Nested
  class WithoutTheLocalProfileOrAnIssuer extends Served {

    @DynamicPropertySource
    static void issuer(DynamicPropertyRegistry properties) {
      // the local issuer answers, as it would if someone started one beside a real deployment
      properties.add("linkway.sign-in.local-issuer", TestStack::issuerUrl);
    }

    @Test
    void theSignInPage_saysSigningInIsNotConfigured_andOffersNobodyToSignInAs() {
      int before = choices.asked.get();
      client(port).get().uri("/sign-in").exchange().expectStatus().isOk().expectBody(String.class).value(html ->
          assertThat(html).contains("Signing in is not configured on this service")
              .doesNotContain("Demo people", "Platform administrator", "name=\"role\"", "Wensum Walkers"));
      assertThat(choices.asked).as("the services' demo parties (a directory's read) are not asked for").hasValue(before);
    }

    @Test
    void askingForTheAdministratorsToken_withAValidFormToken_isRefusedAndNoSignInIsKept() {
      WebTestClient http = client(port);
      var page = http.get().uri("/sign-in").exchange().expectStatus().isOk().returnResult(String.class);
      String html = String.join("", page.getResponseBody().collectList().block());
      var meta = java.util.regex.Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"").matcher(html);
      assertThat(meta.find()).isTrue();
      FormToken token = new FormToken(page.getResponseCookies().getFirst("XSRF-TOKEN").getValue(), meta.group(1));
      var refused = http.post().uri("/sign-in").cookie("XSRF-TOKEN", token.cookie())
          .contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue("role=admin&" + formField(token)).exchange()
          .expectStatus().isForbidden().returnResult(String.class);
      assertThat(refused.getResponseCookies().getFirst(SignInCookie.NAME)).isNull();
      assertThat(String.join("", refused.getResponseBody().collectList().block()))
          .contains("Signing in is not configured on this service");
    }
  }

  @Nested
  @TestPropertySource(locations = OPENID_CONNECT_CLIENT, properties = "linkway.security.trusted-proxies=10.0.0.0/8, " + PROXY)
  class InProductionWithOpenIdConnect extends Served {

    @Test
    void theSignInPage_sendsPeopleToTheOrganisationsIssuer_andOffersNoDemoParties() {
      WebTestClient http = client(port);
      int before = choices.asked.get();
      http.get().uri("/sign-in").exchange().expectStatus().isOk().expectBody(String.class).value(html -> assertThat(html)
          .contains("href=\"/oauth2/authorization/icb\"").contains("Sign in with Norfolk and Waveney ICB")
          .doesNotContain("Demo people", "Wensum Walkers"));
      assertThat(choices.asked).as("the services' demo parties (a directory's read) are not asked for").hasValue(before);
      http.get().uri("/oauth2/authorization/icb").exchange().expectStatus().is3xxRedirection()
          .expectHeader().value(HttpHeaders.LOCATION, location -> assertThat(location)
              .startsWith("https://login.icb.example/authorize?response_type=code&client_id=linkway&scope=openid")
              .contains("redirect_uri=http://127.0.0.1:" + port + "/login/oauth2/code/icb"));
    }

    /**
     * Issue 13 point 11: a caller that is not the trusted proxy cannot choose where the issuer sends
     * people back to (with their authorisation code); the proxy's forwarded address is believed.
     */
    @Test
    void forwardedHeaders_changeTheRedirectAddressOnlyWhenTheTrustedProxySendsThem() {
      client(port).get().uri("/oauth2/authorization/icb").headers(h -> forwardedAsHttpsTo(h, "attacker.example"))
          .exchange().expectStatus().is3xxRedirection()
          .expectHeader().value(HttpHeaders.LOCATION, location -> assertThat(location)
              .contains("redirect_uri=http://127.0.0.1:" + port + "/login/oauth2/code/icb")
              .doesNotContain("attacker.example"));
      clientFromTheProxy(port).get().uri("/oauth2/authorization/icb").headers(h -> forwardedAsHttpsTo(h, "linkway.example"))
          .exchange().expectStatus().is3xxRedirection()
          .expectHeader().value(HttpHeaders.LOCATION, location -> assertThat(location)
              .contains("redirect_uri=https://linkway.example/login/oauth2/code/icb"));
    }

    /**
     * An ID token's audience is the client id (here {@code linkway}), not the API's audience: the
     * pages keep it after an OpenID Connect sign-in, so it is taken, as is an access token for the
     * API's audience; a token for anyone else is not.
     */
    @Test
    void anIdTokenForThisClientAndATokenForTheApi_areTaken_andATokenForAnotherAudienceIsNot() {
      LocalIssuer issuer = TestStack.issuer();
      String idToken = issuer.forAudience("linkway", "gp", LocalIssuer.ODS_CLAIM, "D82044");
      String accessToken = issuer.forAudience(PRODUCTION_AUDIENCE, "gp", LocalIssuer.ODS_CLAIM, "D82044");
      String someoneElses = issuer.forAudience("another-client", "gp", LocalIssuer.ODS_CLAIM, "D82044");

      client(port).get().uri("/app/hello").cookie(SignInCookie.NAME, idToken).exchange().expectStatus().isOk();
      client(port).get().uri("/api/hello").headers(h -> h.setBearerAuth(accessToken)).exchange().expectStatus().isOk();
      client(port).get().uri("/app/hello").cookie(SignInCookie.NAME, someoneElses).exchange().expectStatus().isSeeOther();
      client(port).get().uri("/api/hello").headers(h -> h.setBearerAuth(someoneElses)).exchange()
          .expectStatus().isUnauthorized()
          .expectBody(String.class).value(body -> assertThat(body).contains("must include " + PRODUCTION_AUDIENCE));
    }
  }
}
