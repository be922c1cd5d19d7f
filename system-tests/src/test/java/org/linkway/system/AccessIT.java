package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linkway.platform.domain.SocialPrescribing;
import org.linkway.platform.testing.TestStack;
import org.linkway.stack.LocalIssuer;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/**
 * Who may do what, every endpoint of the three services against every kind of caller, over real
 * HTTP: no token, an expired token, a token signed by another key, a token for another audience
 * ({@code aud}) or for none, and each role acting for its own
 * organisation or for another. Each row names who is let through; everyone else is refused with
 * 401 (no valid token), 403 (someone else's), or 404 for a referral that is not the caller's (its
 * existence is not disclosed). Refusals are problem+json. The test counts unexpected allows and
 * unexpected refusals; both must be 0.
 */
class AccessIT {

  /** The callers tried on every endpoint. */
  enum Who {
    NO_TOKEN, EXPIRED_TOKEN, FORGED_TOKEN, OTHER_AUDIENCE, NO_AUDIENCE, GP_OWN, GP_OTHER, PROVIDER_OWN, PROVIDER_OTHER,
    COMMISSIONER_OWN, COMMISSIONER_OTHER, ADMIN
  }

  /** What a caller should get. */
  enum Expect { ALLOWED, UNAUTHORIZED, FORBIDDEN, HIDDEN }

  record Row(String service, HttpMethod method, String path, String contentType, String body, Function<Who, Expect> rule) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  record Answer(int status, String contentType, String body) {}

  static final String PROVIDER = "access-walks";
  static final String OTHER_PROVIDER = "access-choir";
  /** Its own commissioner, so that no other test's services compete for its referrals. */
  static final String COMMISSIONER = "QAC";
  static final String OTHER_COMMISSIONER = "QXA";
  static final String OTHER_PRACTICE = "A81001";

  private static RunningPlatform platform;
  private static String referralId;
  private static String cancellableId;

  @BeforeAll
  static void aReferralOfferedToAProvider() {
    platform = EmbeddedPlatform.get();
    // the other provider works for the other commissioner, so the referrals go to the first
    for (String provider : List.of(PROVIDER, OTHER_PROVIDER)) {
      String commissioner = provider.equals(PROVIDER) ? COMMISSIONER : OTHER_COMMISSIONER;
      platform.providerService().post().uri("/providers").bodyValue(Map.of("providerId", provider, "name", provider,
              "services", List.of(Map.of("serviceId", provider + "-group", "name", "Group", "needs", List.of("ARTS_AND_CULTURE"),
                  "commissioners", List.of(commissioner), "capacity", 50))))
          .exchange().expectStatus().isCreated();
    }
    referralId = JourneyScenario.refer(platform, COMMISSIONER, List.of("ARTS_AND_CULTURE"));
    JourneyScenario.awaitReferral(platform, referralId, "OFFERED", PROVIDER);
    cancellableId = JourneyScenario.refer(platform, COMMISSIONER, List.of("ARTS_AND_CULTURE"));
    JourneyScenario.awaitReferral(platform, cancellableId, "OFFERED", PROVIDER);
  }

  @Test
  void givenEveryEndpointAndEveryCaller_whenCalled_thenOnlyThoseTheTableAllowsGetThrough() throws Exception {
    List<Row> rows = rows();
    List<String> unexpectedAllows = new ArrayList<>();
    List<String> unexpectedRefusals = new ArrayList<>();
    Map<Expect, Integer> seen = new LinkedHashMap<>();
    int requests = 0;
    for (Row row : rows) {
      for (Who who : Who.values()) {
        Expect expected = row.rule().apply(who);
        Answer answer;
        try {
          answer = call(row, who);
        } catch (IllegalStateException noAnswer) {
          throw new AssertionError(row + " as " + who + ": no answer", noAnswer);
        }
        requests++;
        seen.merge(expected, 1, Integer::sum);
        String line = row + " as " + who + ": expected " + expected + ", got " + answer.status() + " " + answer.body();
        boolean refused = answer.status() == 401 || answer.status() == 403
            || (expected == Expect.HIDDEN && answer.status() == 404);
        if (expected == Expect.ALLOWED) {
          if (answer.status() == 401 || answer.status() == 403) unexpectedRefusals.add(line);
          continue;
        }
        int wanted = switch (expected) {
          case UNAUTHORIZED -> 401;
          case FORBIDDEN -> 403;
          default -> 404;
        };
        if (answer.status() != wanted) {
          (refused ? unexpectedRefusals : unexpectedAllows).add(line);
        } else if (answer.contentType().startsWith("application/fhir+json")) {
          // the FHIR endpoint answers what it refuses after reading the resource as a FHIR OperationOutcome
          assertThat(answer.body()).as(line).contains("\"resourceType\":\"OperationOutcome\"")
              .contains("\"code\":\"" + (wanted == 403 ? "forbidden" : "not-found") + "\"");
        } else {
          assertThat(answer.contentType()).as(line).startsWith("application/problem+json");
          assertThat(answer.body()).as(line).contains("\"status\":" + wanted).contains("\"detail\"");
          if (who == Who.OTHER_AUDIENCE || who == Who.NO_AUDIENCE) {
            assertThat(answer.body()).as(line).contains("its audience (aud) must include");
          }
        }
      }
    }
    System.out.printf("access table: %d endpoints x %d callers = %d requests; expected %s; "
            + "unexpected allows %d, unexpected refusals %d%n",
        rows.size(), Who.values().length, requests, seen, unexpectedAllows.size(), unexpectedRefusals.size());
    assertThat(unexpectedAllows).as("unexpected allows").isEmpty();
    assertThat(unexpectedRefusals).as("unexpected refusals").isEmpty();
  }

  private static List<Row> rows() throws Exception {
    String fhir = Files.readString(Path.of("../referral-service/src/test/resources/fhir/service-request-example.json"));
    String referral = "{\"patient\":{\"nhsNumber\":\"9434765919\",\"givenName\":\"Ada\",\"familyName\":\"Lovelace\","
        + "\"birthDate\":\"1950-12-10\",\"postcode\":\"NR1 3SR\"},\"consent\":true,\"referrer\":{\"odsCode\":\"D82044\"},"
        + "\"commissioner\":\"QMM\",\"needs\":[\"ARTS_AND_CULTURE\"]}";
    String notJson = "{";
    String someone = UUID.randomUUID().toString();
    String p = "/providers/" + PROVIDER;
    String c = "/commissioners/" + COMMISSIONER;
    String year = org.linkway.platform.domain.Funding.financialYear(java.time.Instant.now());
    List<Row> rows = new ArrayList<>();
    String json = MediaType.APPLICATION_JSON_VALUE;

    // referral-service
    rows.add(new Row("referral-service", HttpMethod.POST, "/referrals", json, referral, gpOfTheReferral(Expect.FORBIDDEN)));
    rows.add(new Row("referral-service", HttpMethod.POST, "/fhir/ServiceRequest", "application/fhir+json", fhir,
        gpOfTheReferral(Expect.FORBIDDEN)));
    for (String path : List.of("/referrals/" + referralId, "/referrals/" + referralId + "/summary",
        "/referrals/" + referralId + "/audit")) {
      rows.add(new Row("referral-service", HttpMethod.GET, path, null, null, referralReaders()));
    }
    rows.add(new Row("referral-service", HttpMethod.POST, "/referrals/" + cancellableId + "/cancel", json,
        "{\"reason\":\"moved away\"}", who -> switch (who) {
          case GP_OWN -> Expect.ALLOWED;
          case GP_OTHER -> Expect.HIDDEN;
          default -> refused(who, Expect.FORBIDDEN);
        }));
    rows.add(new Row("referral-service", HttpMethod.GET, "/referrers/D82044/referrals/stream", null, null,
        only(Who.GP_OWN)));
    rows.add(new Row("referral-service", HttpMethod.DELETE, "/people/p-00000000000000000000000000000000", null, null,
        only(Who.ADMIN)));

    // provider-service
    rows.add(new Row("provider-service", HttpMethod.GET, "/providers", null, null, anyKnownCaller()));
    rows.add(new Row("provider-service", HttpMethod.POST, "/providers", json, notJson, only(Who.ADMIN)));
    rows.add(new Row("provider-service", HttpMethod.POST, "/providers/import", json, notJson, only(Who.ADMIN)));
    rows.add(new Row("provider-service", HttpMethod.PUT, p + "/services/" + PROVIDER + "-group", json, notJson,
        only(Who.PROVIDER_OWN, Who.ADMIN)));
    for (String action : List.of("pause", "resume")) {
      rows.add(new Row("provider-service", HttpMethod.POST, p + "/services/" + PROVIDER + "-group/" + action, null, null,
          only(Who.PROVIDER_OWN, Who.ADMIN)));
    }
    // which ICBs list a service is each ICB's own decision (listing it again changes nothing; the unlisted service is none)
    rows.add(new Row("provider-service", HttpMethod.PUT, p + "/services/" + PROVIDER + "-group/commissioners/" + COMMISSIONER,
        null, null, only(Who.COMMISSIONER_OWN, Who.ADMIN)));
    rows.add(new Row("provider-service", HttpMethod.DELETE, p + "/services/access-no-such-service/commissioners/" + COMMISSIONER,
        null, null, only(Who.COMMISSIONER_OWN, Who.ADMIN)));
    rows.add(new Row("provider-service", HttpMethod.GET, p + "/referrals", null, null, only(Who.PROVIDER_OWN)));
    rows.add(new Row("provider-service", HttpMethod.GET, p + "/referrals/stream", null, null, only(Who.PROVIDER_OWN)));
    rows.add(new Row("provider-service", HttpMethod.GET, p + "/referrals/" + someone, null, null, only(Who.PROVIDER_OWN)));
    for (String action : List.of("accept", "decline", "sessions", "complete", "time-credits", "prescriptions")) {
      rows.add(new Row("provider-service", HttpMethod.POST, p + "/referrals/" + someone + "/" + action, json, notJson,
          only(Who.PROVIDER_OWN)));
    }

    // outcome-service
    for (String path : List.of("/ledger", "/ledger/stream", "/ledger/reconciliation", "/summary", "/summary/breakdown",
        "/budget", "/budgets", "/outcomes/stream", "/contracts", "/statements", "/time-credits")) {
      rows.add(new Row("outcome-service", HttpMethod.GET, c + path, null, null, only(Who.COMMISSIONER_OWN)));
    }
    // a run of the reconciliation: the commissioner's own, or the platform's admin
    rows.add(new Row("outcome-service", HttpMethod.POST, c + "/ledger/reconciliation", null, null,
        only(Who.COMMISSIONER_OWN, Who.ADMIN)));
    rows.add(new Row("outcome-service", HttpMethod.PUT, c + "/budgets/" + year, json, notJson, only(Who.COMMISSIONER_OWN)));
    rows.add(new Row("outcome-service", HttpMethod.PUT, c + "/contracts/access-tariff", json, notJson,
        only(Who.COMMISSIONER_OWN)));
    rows.add(new Row("outcome-service", HttpMethod.GET, "/time-credits/wallets/p-0123456789abcdef", null, null,
        only(Who.ADMIN)));
    for (String path : List.of("/open-data/outcomes.csv", "/open-data/outcomes", "/open-data/outcomes/columns",
        "/open-data/releases", "/open-data/releases/" + lastClosedMonth() + "/outcomes.csv")) {
      rows.add(new Row("outcome-service", HttpMethod.GET, path, null, null, open()));
    }

    // every service: health is open, the rest of the actuator is the admin's
    for (String service : List.of("referral-service", "provider-service", "outcome-service")) {
      rows.add(new Row(service, HttpMethod.GET, "/actuator/health", null, null, open()));
      rows.add(new Row(service, HttpMethod.GET, "/actuator/prometheus", null, null, only(Who.ADMIN)));
      rows.add(new Row(service, HttpMethod.GET, "/no/such/endpoint", null, null, who -> refused(who, Expect.FORBIDDEN)));
    }
    return rows;
  }

  /** Only these callers get through; callers without a valid token 401, every other 403. */
  private static Function<Who, Expect> only(Who... allowed) {
    List<Who> allowedList = List.of(allowed);
    return who -> allowedList.contains(who) ? Expect.ALLOWED : refused(who, Expect.FORBIDDEN);
  }

  /** Open to all, with or without a token; a token that is presented must still be valid (RFC 6750). */
  /**
   * Open data is free to ask for, so asking costs the service nothing: a flood of anonymous
   * requests is answered from the releases built once (one read of the store, off the event loop),
   * every answer the same bytes.
   */
  @Test
  void givenAFloodOfAnonymousOpenDataRequests_whenServed_thenAllAreAnsweredTheSameFromOneReadOfTheStore() {
    String release = "/open-data/releases/" + lastClosedMonth() + "/outcomes.csv";
    List<String> paths = List.of("/open-data/outcomes.csv", release, "/open-data/releases",
        "/open-data/outcomes?commissioner=" + COMMISSIONER);
    WebClient anonymous = WebClient.create(platform.baseUrl("outcome-service"));

    Map<String, Set<String>> answers = Flux.range(0, 400)
        .flatMap(i -> anonymous.get().uri(paths.get(i % paths.size()))
            .exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
                .map(body -> Map.entry(paths.get(i % paths.size()), response.statusCode().value() + " " + body))), 32)
        .collect(Collectors.groupingBy(Map.Entry::getKey, Collectors.mapping(Map.Entry::getValue, Collectors.toSet())))
        .block(Duration.ofSeconds(120));

    assertThat(answers).hasSize(paths.size());
    answers.forEach((path, bodies) -> assertThat(bodies).as(path).hasSize(1).allMatch(body -> body.startsWith("200 ")));
    assertThat(answers.get(release)).isEqualTo(answers.get("/open-data/outcomes.csv"));
    String metrics = WebTestClient.bindToServer().baseUrl(platform.baseUrl("outcome-service"))
        .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024)).build()
        .get().uri("/actuator/prometheus").accept(MediaType.TEXT_PLAIN)
        .headers(h -> h.setBearerAuth(TestStack.issuer().admin())).exchange()
        .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    assertThat(metrics).containsPattern("(?m)^linkway_open_data_builds_total(\\{[^}]*})? 1\\.0$");
  }

  /** The last month with an open-data release: closed two days ago or more (linkway.open-data.grace). */
  private static String lastClosedMonth() {
    return YearMonth.from(Instant.now().minus(Duration.ofDays(2)).atZone(SocialPrescribing.UK)).minusMonths(1).toString();
  }

  private static Function<Who, Expect> open() {
    return who -> who == Who.NO_TOKEN ? Expect.ALLOWED : refused(who, Expect.ALLOWED);
  }

  private static Function<Who, Expect> anyKnownCaller() {
    return who -> refused(who, Expect.ALLOWED);
  }

  /** A new referral: the practice it names, as itself. */
  private static Function<Who, Expect> gpOfTheReferral(Expect forOthers) {
    return who -> who == Who.GP_OWN ? Expect.ALLOWED : refused(who, forOthers);
  }

  /** The referring practice and the provider now holding the referral; to any other caller it does not exist. */
  private static Function<Who, Expect> referralReaders() {
    return who -> switch (who) {
      case GP_OWN, PROVIDER_OWN -> Expect.ALLOWED;
      case GP_OTHER, PROVIDER_OTHER -> Expect.HIDDEN;
      default -> refused(who, Expect.FORBIDDEN);
    };
  }

  private static Expect refused(Who who, Expect otherwise) {
    return switch (who) {
      case NO_TOKEN, EXPIRED_TOKEN, FORGED_TOKEN, OTHER_AUDIENCE, NO_AUDIENCE -> Expect.UNAUTHORIZED;
      default -> otherwise;
    };
  }

  private static String token(Who who) {
    LocalIssuer issuer = TestStack.issuer();
    return switch (who) {
      case NO_TOKEN -> null;
      case EXPIRED_TOKEN -> issuer.expired("gp", LocalIssuer.ODS_CLAIM, OwnerTokens.PRACTICE);
      case FORGED_TOKEN -> LocalIssuer.ephemeral("http://127.0.0.1:1").gp(OwnerTokens.PRACTICE);
      // signed by the platform's issuer, valid in every other way: issued for another application, or for none
      case OTHER_AUDIENCE -> issuer.forAudience("another-application", "gp", LocalIssuer.ODS_CLAIM, OwnerTokens.PRACTICE);
      case NO_AUDIENCE -> issuer.forAudience(null, "gp", LocalIssuer.ODS_CLAIM, OwnerTokens.PRACTICE);
      case GP_OWN -> issuer.gp(OwnerTokens.PRACTICE);
      case GP_OTHER -> issuer.gp(OTHER_PRACTICE);
      case PROVIDER_OWN -> issuer.provider(PROVIDER);
      case PROVIDER_OTHER -> issuer.provider(OTHER_PROVIDER);
      case COMMISSIONER_OWN -> issuer.commissioner(COMMISSIONER);
      case COMMISSIONER_OTHER -> issuer.commissioner(OTHER_COMMISSIONER);
      case ADMIN -> issuer.admin();
    };
  }

  /** One request; a refusal's body is read, an allowed stream is left after its headers. */
  private static Answer call(Row row, Who who) {
    // a connection of its own: a stream left after its headers must not leave anything behind for the next call
    WebClient client = WebClient.builder().baseUrl(platform.baseUrl(row.service()))
        .clientConnector(new org.springframework.http.client.reactive.ReactorClientHttpConnector(
            reactor.netty.http.client.HttpClient.newConnection()))
        .build();
    String token = token(who);
    WebClient.RequestBodySpec request = client.method(row.method()).uri(row.path())
        .headers(h -> {
          if (token != null) h.setBearerAuth(token);
          h.set("Idempotency-Key", "access-" + who);
        });
    WebClient.RequestHeadersSpec<?> spec = row.body() == null ? request
        : request.contentType(MediaType.parseMediaType(row.contentType())).bodyValue(row.body());
    return spec.exchangeToFlux(response -> {
          int status = response.statusCode().value();
          String contentType = response.headers().contentType().map(Object::toString).orElse("");
          if (status == 401 || status == 403 || status == 404) {
            return response.bodyToMono(String.class).defaultIfEmpty("").map(body -> new Answer(status, contentType, body)).flux();
          }
          return Flux.just(new Answer(status, contentType, ""));
        })
        .next()
        .block(Duration.ofSeconds(30));
  }
}
