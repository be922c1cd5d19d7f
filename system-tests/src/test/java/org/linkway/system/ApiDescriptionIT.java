package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.netty.http.client.HttpClient;

/**
 * Each service describes its API at {@code /v3/api-docs}, with a page at {@code /swagger-ui.html},
 * both open without a token: its main operations, the bearer token they ask for, and examples of
 * their request bodies. The examples are bodies the services take: the referral examples are posted
 * as they stand, with the practice's GP token; the provider's, the cancel and the commissioner's are
 * worked through on ICB QAD, used only here, so that they take no one else's referrals or money.
 */
@SuppressWarnings("unchecked")
class ApiDescriptionIT {

  static final String COMMISSIONER = "QAD";
  static final String PROVIDER = "api-description-walks";
  static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};

  @Test
  void givenEachService_whenItsApiDescriptionIsFetchedWithoutAToken_thenItNamesItsOperationsAndTheBearerToken() {
    RunningPlatform platform = EmbeddedPlatform.get();
    Map<String, List<String>> mainPaths = Map.of(
        "referral-service", List.of("/referrals", "/referrals/{referralId}", "/referrals/{referralId}/cancel",
            "/referrals/{referralId}/audit", "/fhir/ServiceRequest"),
        "provider-service", List.of("/providers", "/providers/{providerId}/referrals",
            "/providers/{providerId}/referrals/{referralId}/accept", "/providers/{providerId}/referrals/{referralId}/decline",
            "/providers/{providerId}/referrals/{referralId}/sessions",
            "/providers/{providerId}/referrals/{referralId}/complete", "/providers/{providerId}/services/{serviceId}"),
        "outcome-service", List.of("/commissioners/{code}/contracts", "/commissioners/{code}/contracts/{contractId}",
            "/commissioners/{code}/budgets/{financialYear}", "/commissioners/{code}/ledger", "/open-data/outcomes"));
    mainPaths.forEach((service, paths) -> {
      Map<String, Object> api = description(platform, service);
      assertThat((String) api.get("openapi")).startsWith("3.");
      Map<String, Object> info = (Map<String, Object>) api.get("info");
      assertThat(info.get("title")).isEqualTo("Linkway " + service);
      assertThat((String) info.get("description")).hasSizeGreaterThan(200);
      assertThat(info.get("version")).isNotNull();
      assertThat((Map<String, Object>) api.get("paths")).as(service).containsKeys(paths.toArray(String[]::new))
          .doesNotContainKeys("/actuator/health");
      Map<String, Object> bearer = (Map<String, Object>) at(api, "components", "securitySchemes", "bearer");
      assertThat(bearer).containsEntry("type", "http").containsEntry("scheme", "bearer").containsEntry("bearerFormat", "JWT");
      assertThat((String) bearer.get("description")).contains("linkway_role").contains("provider_id")
          .contains("./linkway token");
      assertThat((List<Map<String, Object>>) api.get("security")).containsExactly(Map.of("bearer", List.of()));
    });
    Map<String, Object> outcome = description(platform, "outcome-service");
    assertThat((List<Object>) at(outcome, "paths", "/open-data/outcomes", "get", "security")).isEmpty();
    assertThat((String) at(description(platform, "referral-service"), "paths", "/referrals", "post", "summary"))
        .startsWith("Refer a person");
  }

  @Test
  void givenEachService_whenItsApiPageIsOpenedWithoutAToken_thenSwaggerUiIsServed() {
    RunningPlatform platform = EmbeddedPlatform.get();
    for (String service : List.of("referral-service", "provider-service", "outcome-service")) {
      WebTestClient browser = WebTestClient.bindToServer(new ReactorClientHttpConnector(HttpClient.create().followRedirect(true)))
          .baseUrl(platform.baseUrl(service)).responseTimeout(Duration.ofSeconds(30)).build();
      String page = browser.get().uri("/swagger-ui.html").exchange()
          .expectStatus().isOk().expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
          .expectBody(String.class).returnResult().getResponseBody();
      assertThat(page).as(service).contains("swagger-ui");
      browser.get().uri("/v3/api-docs/swagger-config").exchange().expectStatus().isOk()
          .expectBody().jsonPath("$.url").isEqualTo("/v3/api-docs");
      browser.get().uri("/v3/api-docs.yaml").exchange().expectStatus().isOk();
    }
  }

  @Test
  void givenTheReferralExamples_whenAGpPostsThemAsTheyStand_thenEachIsAccepted() {
    RunningPlatform platform = EmbeddedPlatform.get();
    Map<String, Object> examples = examples(description(platform, "referral-service"), "/referrals", "post");
    assertThat(examples).containsKey("lonely-person");
    examples.forEach((name, example) -> {
      // with the token of the practice the examples name as the referrer (D82044)
      Map<String, Object> received = platform.referralService().post().uri("/referrals")
          .bodyValue(((Map<String, Object>) example).get("value")).exchange()
          .expectStatus().isAccepted().expectBody(MAP).returnResult().getResponseBody();
      assertThat(received).as(name).containsEntry("status", "SUBMITTED");
      withdraw(platform, (String) received.get("referralId"));
    });
  }

  @Test
  void givenTheProviderAndCancelExamples_whenReferralsOnThisTestsIcbAreWorkedWithThem_thenEachIsTaken() {
    RunningPlatform platform = EmbeddedPlatform.get();
    Map<String, Object> api = description(platform, "provider-service");
    String queue = "/providers/{providerId}/referrals/{referralId}";

    // the registration example, moved to this test's provider and ICB so that it takes no one else's referrals
    Map<String, Object> registration = moved((Map<String, Object>) exampleValue(api, "/providers", "post", "walking-group"),
        PROVIDER);
    platform.providerService().post().uri("/providers").bodyValue(registration).exchange().expectStatus().isCreated();

    String worked = offered(platform);
    post(platform, queue + "/accept", worked, exampleValue(api, queue + "/accept", "post", "with-baseline"));
    JourneyScenario.awaitReferral(platform, worked, "ACCEPTED", PROVIDER);
    for (String name : examples(api, queue + "/sessions", "post").keySet()) {
      post(platform, queue + "/sessions", worked, exampleValue(api, queue + "/sessions", "post", name));
    }
    post(platform, queue + "/time-credits", worked, exampleValue(api, queue + "/time-credits", "post", "volunteering"));
    post(platform, queue + "/complete", worked, exampleValue(api, queue + "/complete", "post", "completed"));
    JourneyScenario.awaitReferral(platform, worked, "COMPLETED", PROVIDER);

    String declined = offered(platform);
    post(platform, queue + "/decline", declined, exampleValue(api, queue + "/decline", "post", "no-places"));

    String cancelled = offered(platform);
    platform.referralService().post().uri("/referrals/{id}/cancel", cancelled)
        .bodyValue(exampleValue(description(platform, "referral-service"), "/referrals/{referralId}/cancel", "post",
            "moved-away"))
        .exchange().expectStatus().isAccepted().expectBody().jsonPath("$.status").isEqualTo("CANCELLED");

    // last, since from then on this ICB's referrals from the practice it covers go to it: the link worker service
    Map<String, Object> linkWorkers = moved((Map<String, Object>) exampleValue(api, "/providers", "post",
        "link-worker-service"), PROVIDER + "-pcn");
    platform.providerService().post().uri("/providers").bodyValue(linkWorkers).exchange().expectStatus().isCreated()
        .expectBody().jsonPath("$.services[0].kind").isEqualTo("LINK_WORKER");
    // and the prescription example, from a referral the link workers accepted, to the walking group moved here
    String pcn = PROVIDER + "-pcn";
    String episode = await().atMost(Duration.ofSeconds(30)).until(() -> {
      String id = JourneyScenario.refer(platform, COMMISSIONER, List.of("NATURE"));
      Map<String, Object> offered = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> platform.referralService().get().uri("/referrals/{id}", id).exchange().expectBody(MAP)
              .returnResult().getResponseBody(), r -> r != null && "OFFERED".equals(r.get("status")));
      // until the link workers' listing reaches routing, the referral goes to the walking group
      return pcn.equals(offered.get("providerId")) ? id : null;
    }, id -> id != null);
    JourneyScenario.awaitOffer(platform, pcn, episode);
    platform.providerService().post().uri(queue + "/accept", pcn, episode).exchange().expectStatus().isOk();
    JourneyScenario.awaitReferral(platform, episode, "ACCEPTED", pcn);
    Map<String, Object> prescription = new LinkedHashMap<>((Map<String, Object>) exampleValue(api, queue + "/prescriptions",
        "post", "walks"));
    prescription.put("serviceId", PROVIDER + "-" + prescription.get("serviceId"));
    platform.providerService().post().uri(queue + "/prescriptions", pcn, episode)
        .header("Idempotency-Key", "api-description-walks").bodyValue(prescription).exchange()
        .expectStatus().isOk().expectBody().jsonPath("$.prescriptions.length()").isEqualTo(1);
  }

  /** A registration example moved to this test's ICB and to a provider of this test, so that it takes no one else's referrals. */
  private static Map<String, Object> moved(Map<String, Object> example, String providerId) {
    Map<String, Object> registration = new LinkedHashMap<>(example);
    registration.put("providerId", providerId);
    List<Map<String, Object>> services = new ArrayList<>();
    for (Map<String, Object> service : (List<Map<String, Object>>) registration.get("services")) {
      Map<String, Object> moved = new LinkedHashMap<>(service);
      moved.put("serviceId", providerId + "-" + service.get("serviceId"));
      moved.put("commissioners", List.of(COMMISSIONER));
      services.add(moved);
    }
    registration.put("services", services);
    return registration;
  }

  @Test
  void givenTheCommissionerExamples_whenTheyAreSentForThisTestsIcb_thenEachIsTaken() {
    RunningPlatform platform = EmbeddedPlatform.get();
    Map<String, Object> api = description(platform, "outcome-service");
    String contract = "/commissioners/{code}/contracts/{contractId}";
    examples(api, contract, "put").forEach((name, example) ->
        platform.outcomeService().put().uri(contract, COMMISSIONER, "api-example-" + name)
            .bodyValue(((Map<String, Object>) example).get("value")).exchange()
            .expectStatus().isOk().expectBody().jsonPath("$.contractId").isEqualTo("api-example-" + name));
    platform.outcomeService().put().uri("/commissioners/{code}/budgets/{year}", COMMISSIONER, "2026-27")
        .bodyValue(exampleValue(api, "/commissioners/{code}/budgets/{financialYear}", "put", "year")).exchange()
        .expectStatus().isOk().expectBody().jsonPath("$.budget").isEqualTo(250000.0);
  }

  /**
   * The examples refer to the demo ICB (QMM), which the journey tests route referrals for: cancelled as soon
   * as referral-service holds it (404 before), so that it waits in no provider's queue. An unplaced one is
   * already out of the way (409).
   */
  private static void withdraw(RunningPlatform platform, String referralId) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
        assertThat(platform.referralService().post().uri("/referrals/{id}/cancel", referralId).exchange()
            .returnResult(Void.class).getStatus().value()).isIn(202, 409));
  }

  /** A referral to this test's ICB, once it is in the provider's queue. */
  private static String offered(RunningPlatform platform) {
    return JourneyScenario.referAndAwaitOffer(platform, COMMISSIONER, List.of("NATURE"), PROVIDER);
  }

  /** Sends an example to one of the provider's referrals, with the provider's token: 200. */
  private static void post(RunningPlatform platform, String path, String referralId, Object body) {
    platform.providerService().post().uri(path, PROVIDER, referralId).bodyValue(body).exchange()
        .expectStatus().isOk();
  }

  /** A service's API description, fetched as anyone would: without a token. */
  private static Map<String, Object> description(RunningPlatform platform, String service) {
    return WebTestClient.bindToServer().baseUrl(platform.baseUrl(service)).responseTimeout(Duration.ofSeconds(30)).build()
        .get().uri("/v3/api-docs").exchange()
        .expectStatus().isOk().expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
        .expectBody(MAP).returnResult().getResponseBody();
  }

  /** The named examples of an operation's JSON request body. */
  private static Map<String, Object> examples(Map<String, Object> api, String path, String method) {
    Map<String, Object> examples = (Map<String, Object>) at(api, "paths", path, method, "requestBody", "content",
        MediaType.APPLICATION_JSON_VALUE, "examples");
    assertThat(examples).as(method + " " + path + " examples").isNotEmpty();
    return examples;
  }

  private static Object exampleValue(Map<String, Object> api, String path, String method, String name) {
    Map<String, Object> example = (Map<String, Object>) examples(api, path, method).get(name);
    assertThat(example).as(method + " " + path + " example " + name).isNotNull();
    return example.get("value");
  }

  /** What stands at a path of keys in a JSON document, null when a key is missing. */
  private static Object at(Map<String, Object> document, String... keys) {
    Object node = document;
    for (String key : keys) {
      node = node instanceof Map<?, ?> map ? map.get(key) : null;
    }
    return node;
  }
}
