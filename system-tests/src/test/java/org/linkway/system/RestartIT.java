package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;

/**
 * Services keep no database: their state is Kafka Streams stores backed by changelog topics. A
 * service restarted on an empty disk rebuilds its state from the changelogs and answers the same
 * queries as before.
 */
class RestartIT {

  static final ParameterizedTypeReference<List<Map<String, Object>>> LIST = new ParameterizedTypeReference<>() {};
  static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};

  @Test
  void givenAnAcceptedReferral_whenOutcomeAndReferralServicesRestartFromAnEmptyDisk_thenTheyAnswerTheSameQueries() {
    RunningPlatform platform = EmbeddedPlatform.get();
    platform.providerService().post().uri("/providers").bodyValue(Map.of("providerId", "restart-debt-advice",
            "name", "Norwich Debt Advice", "services", List.of(Map.of("serviceId", "restart-debt-clinic",
                "name", "Debt clinic", "needs", List.of("MONEY_AND_DEBT"), "commissioners", List.of("QMM"),
                "capacity", 6))))
        .exchange().expectStatus().isCreated();
    platform.outcomeService().put().uri("/commissioners/QMM/contracts/restart-debt-tariff")
        .bodyValue(Map.of("providerId", "restart-debt-advice", "validFrom", "2026-04-01", "validTo", "2027-03-31",
            "engagementFee", 40.00, "completionFee", 60.00))
        .exchange().expectStatus().isOk();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> platform.providerService().get().uri("/providers")
        .exchange().expectBody().jsonPath("$[?(@.providerId == 'restart-debt-advice')]").exists());

    String referralId = JourneyScenario.refer(platform, List.of("MONEY_AND_DEBT"));
    JourneyScenario.awaitReferral(platform, referralId, "OFFERED", "restart-debt-advice");
    JourneyScenario.awaitOffer(platform, "restart-debt-advice", referralId);
    platform.providerService().post().uri("/providers/restart-debt-advice/referrals/{r}/accept", referralId).exchange()
        .expectStatus().isOk();
    JourneyScenario.awaitReferral(platform, referralId, "ACCEPTED", "restart-debt-advice");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        platform.outcomeService().get().uri("/commissioners/QMM/ledger?referralId={r}", referralId).exchange()
            .expectBody().jsonPath("$.length()").isEqualTo(2));

    List<Map<String, Object>> ledgerBefore = ledger(platform, referralId);
    Map<String, Object> referralBefore = referral(platform, referralId);

    platform.restartOutcomeServiceFromScratch();
    platform.restartReferralServiceFromScratch();

    assertThat(ledger(platform, referralId)).isEqualTo(ledgerBefore);
    assertThat(referral(platform, referralId)).isEqualTo(referralBefore);

    // and the restarted services go on working: completion is paid once, on top of what was there
    platform.providerService().post().uri("/providers/restart-debt-advice/referrals/{r}/complete", referralId)
        .bodyValue(Map.of("completion", "COMPLETED", "measures", List.of())).exchange().expectStatus().isOk();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(ledger(platform, referralId)).extracting(e -> e.get("milestone")).containsExactly(null, "ENGAGEMENT", "COMPLETION"));
  }

  private static List<Map<String, Object>> ledger(RunningPlatform platform, String referralId) {
    return platform.outcomeService().get().uri("/commissioners/QMM/ledger?referralId={r}", referralId).exchange()
        .expectStatus().isOk().expectBody(LIST).returnResult().getResponseBody();
  }

  private static Map<String, Object> referral(RunningPlatform platform, String referralId) {
    return platform.referralService().get().uri("/referrals/{r}", referralId).exchange()
        .expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
  }
}
