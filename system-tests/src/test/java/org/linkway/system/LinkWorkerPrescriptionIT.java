package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.linkway.platform.testing.TestStack;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The link worker service that accepted a GP's referral (the person's episode) prescribes community services from it:
 * each prescription is a referral of its own, to the service the link worker chose (only that one is asked) or to the
 * one routing finds best, for the same person, practice and commissioner, linked to the episode; the community
 * provider takes it like any referral. Only the link worker service holding the accepted episode prescribes.
 * Commissioner QLP and practice L82001 are used only here.
 */
@SuppressWarnings("unchecked")
class LinkWorkerPrescriptionIT {

  static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};

  static final String ICB = "QLP";
  static final String PRACTICE = "L82001";
  static final String PCN = "lp-it-pcn";
  static final String LINK_WORKERS = "lp-it-link-workers";
  static final String BEFRIENDING = "lp-it-befriending";
  static final String MONEY_ADVICE = "lp-it-money-advice";
  static final String ELSEWHERE = "lp-it-elsewhere";

  @Test
  void givenAnEpisodeTheLinkWorkersAccepted_whenTheyPrescribeTwoServices_thenEachIsAReferralOfItsOwnOfferedAsChosen() {
    RunningPlatform platform = EmbeddedPlatform.get();
    JourneyScenario.register(platform, BEFRIENDING, service(BEFRIENDING, "LONELINESS", ICB));
    JourneyScenario.register(platform, MONEY_ADVICE, service(MONEY_ADVICE, "MONEY_AND_DEBT", ICB));
    JourneyScenario.register(platform, ELSEWHERE, service(ELSEWHERE, "LONELINESS", "QLX"));
    JourneyScenario.register(platform, PCN, Map.of("serviceId", LINK_WORKERS, "name", "Link workers", "kind", "LINK_WORKER",
        "practices", List.of(PRACTICE), "commissioners", List.of(ICB), "capacity", 20));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> platform.providerService().get().uri("/providers")
        .exchange().expectBody().jsonPath("$[?(@.providerId == '" + PCN + "')].services[0].kind").isEqualTo("LINK_WORKER"));
    Map<String, Object> offered = await().atMost(Duration.ofSeconds(30))
        .until(() -> offeredAt(platform, refer(platform)), o -> LINK_WORKERS.equals(o.get("serviceId")));
    String episode = offered.get("referralId").toString();
    JourneyScenario.awaitOffer(platform, PCN, episode);

    // not before the link workers have accepted the referral
    prescribe(platform, PCN, episode, Map.of("needs", List.of("LONELINESS")), null).expectStatus().isEqualTo(409)
        .expectBody().jsonPath("$.detail").value(d -> assertThat((String) d).contains("once it has accepted"));
    platform.providerService().post().uri("/providers/{p}/referrals/{r}/accept", PCN, episode).exchange()
        .expectStatus().isOk();
    awaitStatus(platform, episode, "ACCEPTED");

    // a service that cannot be prescribed: named, nothing made
    prescribe(platform, PCN, episode, Map.of("needs", List.of("LONELINESS"), "serviceId", LINK_WORKERS), null)
        .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("serviceId");
    prescribe(platform, PCN, episode, Map.of("needs", List.of("NATURE"), "serviceId", BEFRIENDING), null)
        .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].reason").isEqualTo("meets none of the needs named");
    // a prescription is a new referral: without a key, a resend after a timeout would be a second one
    platform.providerService().post().uri("/providers/{p}/referrals/{r}/prescriptions", PCN, episode)
        .bodyValue(Map.of("needs", List.of("LONELINESS"))).exchange()
        .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("Idempotency-Key");
    prescribe(platform, PCN, episode, Map.of("needs", List.of("LONELINESS"), "serviceId", ELSEWHERE), null)
        .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("serviceId")
        .jsonPath("$.errors[0].reason").value(r -> assertThat((String) r).contains(ICB));

    // befriending, as chosen; sent again with its key, the same prescription
    String key = UUID.randomUUID().toString();
    Map<String, Object> chosen = Map.of("needs", List.of("LONELINESS"), "serviceId", BEFRIENDING);
    List<String> once = prescriptions(prescribe(platform, PCN, episode, chosen, key));
    assertThat(prescriptions(prescribe(platform, PCN, episode, chosen, key))).isEqualTo(once).hasSize(1);
    // and money advice, whichever routing finds best
    List<String> both = prescriptions(prescribe(platform, PCN, episode, Map.of("needs", List.of("MONEY_AND_DEBT")), null));
    assertThat(both).hasSize(2).startsWith(once.get(0));

    // each is a referral of its own: the GP sees it offered, linked to the episode; the provider takes it as any other
    Map<String, Object> toBefriending = offeredAt(platform, both.get(0));
    assertThat(toBefriending).containsEntry("serviceId", BEFRIENDING).containsEntry("episodeId", episode)
        .containsEntry("needs", List.of("LONELINESS"));
    assertThat(offeredAt(platform, both.get(1))).containsEntry("serviceId", MONEY_ADVICE).containsEntry("episodeId", episode);
    JourneyScenario.awaitOffer(platform, BEFRIENDING, both.get(0));
    platform.providerService().post().uri("/providers/{p}/referrals/{r}/accept", BEFRIENDING, both.get(0)).exchange()
        .expectStatus().isOk();
    awaitStatus(platform, both.get(0), "ACCEPTED");

    // a community provider does not prescribe; nor does anyone but the link workers from their episode
    prescribe(platform, BEFRIENDING, both.get(0), Map.of("needs", List.of("NATURE")), null).expectStatus().isEqualTo(409)
        .expectBody().jsonPath("$.detail").value(d -> assertThat((String) d).contains("only a link worker service"));
    prescribe(platform, MONEY_ADVICE, episode, Map.of("needs", List.of("NATURE")), null).expectStatus().isEqualTo(409)
        .expectBody().jsonPath("$.detail").value(d -> assertThat((String) d).contains("not offered to provider " + MONEY_ADVICE));
    // nor does naming a service of another ICB tell that provider whose referral it is
    prescribe(platform, MONEY_ADVICE, episode, Map.of("needs", List.of("LONELINESS"), "serviceId", ELSEWHERE), null)
        .expectStatus().isEqualTo(409);

    // the message back: the episode lists what was prescribed and carries the code; a prescription does not repeat it
    Map<String, Object> episodeSummary = summary(platform, episode);
    assertThat((List<Map<String, Object>>) episodeSummary.get("supportOffered")).extracting(step -> step.get("event"))
        .contains("ReferralAccepted", "ServicePrescribed");
    assertThat((List<Map<String, Object>>) episodeSummary.get("codesToRecord")).extracting(code -> code.get("code"))
        .containsExactly("871731000000106");
    assertThat((List<Object>) summary(platform, both.get(0)).get("codesToRecord")).isEmpty();
  }

  private static Map<String, Object> service(String serviceId, String need, String icb) {
    return Map.of("serviceId", serviceId, "name", serviceId, "needs", List.of(need), "commissioners", List.of(icb),
        "capacity", 20);
  }

  /** A referral from the practice for loneliness and debt, for commissioner QLP; its id. */
  private static String refer(RunningPlatform platform) {
    Map<String, Object> body = new HashMap<>(JourneyScenario.referralBody(ICB, List.of("LONELINESS", "MONEY_AND_DEBT")));
    body.put("referrer", Map.of("odsCode", PRACTICE, "clinician", "Dr Okafor"));
    return (String) platform.referralService().post().uri("/referrals").bodyValue(body).header("Authorization", gp())
        .exchange().expectStatus().isAccepted().expectBody(MAP).returnResult().getResponseBody().get("referralId");
  }

  /** A prescription sent with the key given, or a new one. */
  private static WebTestClient.ResponseSpec prescribe(RunningPlatform platform, String providerId, String referralId,
      Map<String, Object> body, String idempotencyKey) {
    return platform.providerService().post().uri("/providers/{p}/referrals/{r}/prescriptions", providerId, referralId)
        .header("Idempotency-Key", idempotencyKey != null ? idempotencyKey : UUID.randomUUID().toString())
        .bodyValue(body).exchange();
  }

  private static List<String> prescriptions(WebTestClient.ResponseSpec answer) {
    Map<String, Object> offer = answer.expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
    assertThat(offer).containsEntry("serviceKind", "LINK_WORKER");
    return (List<String>) offer.get("prescriptions");
  }

  private static String gp() {
    return "Bearer " + TestStack.issuer().gp(PRACTICE);
  }

  private static Map<String, Object> read(RunningPlatform platform, String path, String referralId) {
    return platform.referralService().get().uri(path, referralId).header("Authorization", gp())
        .exchange().expectBody(MAP).returnResult().getResponseBody();
  }

  /** The referral as its practice's GP system reads it once it has been offered. */
  private static Map<String, Object> offeredAt(RunningPlatform platform, String referralId) {
    return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> read(platform, "/referrals/{id}", referralId), r -> r != null && "OFFERED".equals(r.get("status")));
  }

  private static void awaitStatus(RunningPlatform platform, String referralId, String status) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> read(platform, "/referrals/{id}", referralId), r -> r != null && status.equals(r.get("status")));
  }

  private static Map<String, Object> summary(RunningPlatform platform, String referralId) {
    return read(platform, "/referrals/{id}/summary", referralId);
  }
}
