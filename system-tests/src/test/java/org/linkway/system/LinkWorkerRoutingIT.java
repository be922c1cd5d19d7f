package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linkway.platform.testing.TestStack;
import org.springframework.core.ParameterizedTypeReference;

/**
 * A GP's referral goes first to the social prescribing link worker service that covers the practice, as the NHS model
 * has it; a referral asking for a direct prescription, and every referral from a practice no link worker service
 * covers, goes straight to a community service. Which practices a link worker service covers is the commissioners'
 * to say (the admin lists it for them): its provider cannot add one. Commissioner QLW and practices L81001 (covered)
 * and L81099 (not) are used only here.
 */
class LinkWorkerRoutingIT {

  static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};

  static final String ICB = "QLW";
  static final String COVERED = "L81001";
  static final String NOT_COVERED = "L81099";
  static final String PCN = "lw-it-city-pcn";
  static final String LINK_WORKERS = "lw-it-link-workers";
  static final String BEFRIENDING = "lw-it-befriending";

  @Test
  void givenALinkWorkerServiceForAPractice_whenItsGpRefers_thenTheLinkWorkersAreOfferedItUnlessTheGpPrescribesDirectly() {
    RunningPlatform platform = EmbeddedPlatform.get();
    JourneyScenario.register(platform, BEFRIENDING, Map.of("serviceId", BEFRIENDING, "name", "Befriending",
        "needs", List.of("LONELINESS"), "commissioners", List.of(ICB), "capacity", 20));
    JourneyScenario.register(platform, PCN, Map.of("serviceId", LINK_WORKERS, "name", "Social prescribing link workers",
        "kind", "LINK_WORKER", "practices", List.of(COVERED), "commissioners", List.of(ICB), "capacity", 20));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> platform.providerService().get().uri("/providers")
        .exchange().expectBody().jsonPath("$[?(@.providerId == '" + PCN + "')].services[0].practices[0]").isEqualTo(COVERED));

    // the covered practice's referral, for a need the link workers do not list: theirs (once the listing has reached
    // routing, which reads the directory as it arrives; until then a referral goes to the community service)
    Map<String, Object> offered = await().atMost(Duration.ofSeconds(30))
        .until(() -> offeredAt(platform, refer(platform, COVERED, false)), o -> LINK_WORKERS.equals(o.get("serviceId")));
    String referralId = offered.get("referralId").toString();
    assertThat(offered).containsEntry("providerId", PCN);
    // the link workers take it from their queue like any provider: the person accepted the referral to them
    JourneyScenario.awaitOffer(platform, PCN, referralId);
    platform.providerService().post().uri("/providers/{p}/referrals/{r}/accept", PCN, referralId).exchange()
        .expectStatus().isOk();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> platform.referralService().get()
        .uri("/referrals/{id}", referralId).header("Authorization", "Bearer " + TestStack.issuer().gp(COVERED))
        .exchange().expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("ACCEPTED")
        .jsonPath("$.providerId").isEqualTo(PCN));

    // the same practice asking for a direct prescription, and a practice no link worker service covers: a community service
    assertThat(offeredAt(platform, refer(platform, COVERED, true))).containsEntry("serviceId", BEFRIENDING);
    assertThat(offeredAt(platform, refer(platform, NOT_COVERED, false))).containsEntry("serviceId", BEFRIENDING);

    // the link workers' provider may change its places, not the practices it covers nor its kind
    String pcnToken = TestStack.issuer().provider(PCN);
    platform.providerService().put().uri("/providers/{p}/services/{s}", PCN, LINK_WORKERS)
        .header("Authorization", "Bearer " + pcnToken)
        .bodyValue(Map.of("name", "Social prescribing link workers", "practices", List.of(COVERED, NOT_COVERED), "capacity", 20))
        .exchange().expectStatus().isForbidden().expectHeader().contentType("application/problem+json")
        .expectBody().jsonPath("$.errors[0].field").isEqualTo("practices");
    String befriendingToken = TestStack.issuer().provider(BEFRIENDING);
    platform.providerService().put().uri("/providers/{p}/services/{s}", BEFRIENDING, BEFRIENDING)
        .header("Authorization", "Bearer " + befriendingToken)
        .bodyValue(Map.of("name", "Befriending", "kind", "LINK_WORKER", "practices", List.of(NOT_COVERED), "capacity", 20))
        .exchange().expectStatus().isForbidden().expectBody().jsonPath("$.errors[0].field").isEqualTo("kind");
    platform.providerService().put().uri("/providers/{p}/services/{s}", PCN, LINK_WORKERS)
        .header("Authorization", "Bearer " + pcnToken)
        .bodyValue(Map.of("name", "Social prescribing link workers", "capacity", 25))
        .exchange().expectStatus().isOk().expectBody()
        .jsonPath("$.kind").isEqualTo("LINK_WORKER").jsonPath("$.practices[0]").isEqualTo(COVERED)
        .jsonPath("$.capacity").isEqualTo(25);
    assertThat(offeredAt(platform, refer(platform, NOT_COVERED, false))).containsEntry("serviceId", BEFRIENDING);
  }

  /** A referral from the practice for loneliness, for commissioner QLW. */
  private static Referred refer(RunningPlatform platform, String practice, boolean directPrescription) {
    Map<String, Object> body = new HashMap<>(JourneyScenario.referralBody(ICB, List.of("LONELINESS")));
    body.put("referrer", Map.of("odsCode", practice, "clinician", "Dr Okafor"));
    body.put("directPrescription", directPrescription);
    return new Referred((String) platform.referralService().post().uri("/referrals").bodyValue(body)
        .header("Authorization", "Bearer " + TestStack.issuer().gp(practice))
        .exchange().expectStatus().isAccepted().expectBody(MAP).returnResult().getResponseBody().get("referralId"), practice);
  }

  /** The referral as its practice's GP system reads it once it has been offered. */
  private static Map<String, Object> offeredAt(RunningPlatform platform, Referred referred) {
    return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> platform.referralService()
            .get().uri("/referrals/{id}", referred.referralId())
            .header("Authorization", "Bearer " + TestStack.issuer().gp(referred.practice()))
            .exchange().expectBody(MAP).returnResult().getResponseBody(),
        r -> r != null && "OFFERED".equals(r.get("status")));
  }

  record Referred(String referralId, String practice) {}
}
