package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralSubmitted;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.testing.TestStack;
import org.springframework.core.ParameterizedTypeReference;

/**
 * Every command records who asked (from their token) and when: a GP refers, the provider accepts
 * and records a session, the GP cancels. The referral's audit trail names each of them, with the
 * status each change moved between, for the practice and the provider; to anyone else it does not
 * exist. The events themselves carry the actor in their metadata.
 */
class AuditIT {

  static final String COMMISSIONER = "QAU";
  static final String PROVIDER = "audit-walks";

  @Test
  void givenAReferralWorkedByAGpAndAProvider_whenItsAuditTrailIsRead_thenEachChangeNamesWhoMadeItAndWhen() {
    RunningPlatform platform = EmbeddedPlatform.get();
    platform.providerService().post().uri("/providers").bodyValue(Map.of("providerId", PROVIDER, "name", "Audit Walks",
            "services", List.of(Map.of("serviceId", PROVIDER + "-group", "name", "Walking group", "needs", List.of("NATURE"),
                "commissioners", List.of(COMMISSIONER), "capacity", 10))))
        .exchange().expectStatus().isCreated();
    String referralId = JourneyScenario.referAndAwaitOffer(platform, COMMISSIONER, List.of("NATURE"), PROVIDER);
    JourneyScenario.acceptOffer(platform, PROVIDER, referralId);
    platform.providerService().post().uri("/providers/{p}/referrals/{r}/sessions", PROVIDER, referralId)
        .bodyValue(Map.of("attendedOn", LocalDate.now().toString())).exchange().expectStatus().isOk();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(trail(platform, referralId))
        .extracting(e -> e.get("event")).contains("SessionAttended"));
    platform.referralService().post().uri("/referrals/{r}/cancel", referralId).bodyValue(Map.of("reason", "moved away"))
        .exchange().expectStatus().isAccepted();
    JourneyScenario.awaitReferral(platform, referralId, "CANCELLED", PROVIDER);

    List<Map<String, Object>> trail = trail(platform, referralId);
    assertThat(trail).extracting(e -> e.get("event"), e -> e.get("actor"), e -> e.get("statusBefore"), e -> e.get("statusAfter"))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("ReferralSubmitted", "gp D82044", null, "SUBMITTED"),
            org.assertj.core.groups.Tuple.tuple("ReferralOffered", "referral-service", "SUBMITTED", "OFFERED"),
            org.assertj.core.groups.Tuple.tuple("ReferralAccepted", "provider " + PROVIDER, "OFFERED", "ACCEPTED"),
            org.assertj.core.groups.Tuple.tuple("SessionAttended", "provider " + PROVIDER, "ACCEPTED", "ACCEPTED"),
            org.assertj.core.groups.Tuple.tuple("ReferralCancelled", "gp D82044", "ACCEPTED", "CANCELLED"));
    assertThat(trail).allSatisfy(e -> assertThat(e.get("at")).isNotNull());
    assertThat(trail.get(4).get("detail")).isEqualTo("moved away");

    // the provider holding it reads the same trail; another practice is told there is no such referral
    platform.referralService().get().uri("/referrals/{r}/audit", referralId)
        .headers(h -> h.setBearerAuth(TestStack.issuer().provider(PROVIDER))).exchange()
        .expectStatus().isOk().expectBody().jsonPath("$.length()").isEqualTo(5);
    platform.referralService().get().uri("/referrals/{r}/audit", referralId)
        .headers(h -> h.setBearerAuth(TestStack.issuer().gp("A81001"))).exchange()
        .expectStatus().isNotFound();

    // the events say who, too
    ReferralEvent submitted = platform.events(Topics.REFERRALS).stream()
        .filter(e -> e.getPayload() instanceof ReferralSubmitted && referralId.equals(String.valueOf(e.getMetadata().getReferralId())))
        .findFirst().orElseThrow();
    assertThat(submitted.getMetadata().getActor()).isEqualTo("gp D82044");
    ProviderEvent accepted = platform.events(Topics.PROVIDER_EVENTS).stream()
        .filter(e -> e.getPayload() instanceof ReferralAccepted && referralId.equals(String.valueOf(e.getMetadata().getReferralId())))
        .findFirst().orElseThrow();
    assertThat(accepted.getMetadata().getActor()).isEqualTo("provider " + PROVIDER);
  }

  private static List<Map<String, Object>> trail(RunningPlatform platform, String referralId) {
    return platform.referralService().get().uri("/referrals/{r}/audit", referralId).exchange()
        .expectStatus().isOk().expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {})
        .returnResult().getResponseBody();
  }
}
