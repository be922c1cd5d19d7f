package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.linkway.events.EventMetadata;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralCompleted;
import org.linkway.platform.kafka.Topics;
import org.springframework.core.ParameterizedTypeReference;

/**
 * Exactly once where money moves, on the real broker: provider events delivered again (the same
 * event id) and duplicated (the same fact under a new id) leave the ledger as it was. Each
 * duplicate is followed, on the same partition, by a real event whose effect is awaited, so the
 * duplicates are known to have been processed before the ledger is checked. ICB QXY is used only here.
 */
@SuppressWarnings("unchecked")
class LedgerExactlyOnceIT {

  static final ParameterizedTypeReference<List<Map<String, Object>>> LIST = new ParameterizedTypeReference<>() {};
  static final String PROVIDER = "exactly-once-choir";

  @Test
  void givenAcceptanceAndCompletionDeliveredAgainAndDuplicated_whenTheLedgerIsRead_thenEachMilestoneIsDueOnce() {
    RunningPlatform platform = EmbeddedPlatform.get();
    platform.providerService().post().uri("/providers").bodyValue(Map.of("providerId", PROVIDER, "name", "Community Choir",
            "services", List.of(Map.of("serviceId", PROVIDER + "-svc", "name", "Singing for wellbeing",
                "needs", List.of("ARTS_AND_CULTURE"), "commissioners", List.of("QXY"), "capacity", 30))))
        .exchange().expectStatus().isCreated();
    platform.outcomeService().put().uri("/commissioners/QXY/contracts/qxy-choir")
        .bodyValue(Map.of("providerId", PROVIDER, "validFrom", "2026-04-01", "validTo", "2027-03-31",
            "engagementFee", 30.00, "completionFee", 70.00))
        .exchange().expectStatus().isOk();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> platform.providerService().get().uri("/providers")
        .exchange().expectBody().jsonPath("$[?(@.providerId == '" + PROVIDER + "')]").exists());

    String referralId = JourneyScenario.refer(platform, "QXY", List.of("ARTS_AND_CULTURE"));
    JourneyScenario.awaitReferral(platform, referralId, "OFFERED", PROVIDER);
    JourneyScenario.awaitOffer(platform, PROVIDER, referralId);
    platform.providerService().post().uri("/providers/{p}/referrals/{r}/accept", PROVIDER, referralId).exchange()
        .expectStatus().isOk();
    await().atMost(Duration.ofSeconds(30)).until(() -> ledger(platform, referralId).size() == 2);

    ProviderEvent accepted = providerEvent(platform, referralId, ReferralAccepted.class);
    platform.send(Topics.PROVIDER_EVENTS, referralId, accepted);               // delivered again
    platform.send(Topics.PROVIDER_EVENTS, referralId, withNewId(accepted));    // the same fact, a new id

    platform.providerService().post().uri("/providers/{p}/referrals/{r}/complete", PROVIDER, referralId)
        .bodyValue(Map.of("completion", "COMPLETED", "measures", List.of())).exchange().expectStatus().isOk();
    await().atMost(Duration.ofSeconds(30)).until(() -> ledger(platform, referralId).size() >= 3);

    ProviderEvent completed = providerEvent(platform, referralId, ReferralCompleted.class);
    platform.send(Topics.PROVIDER_EVENTS, referralId, completed);
    platform.send(Topics.PROVIDER_EVENTS, referralId, withNewId(completed));
    // a last real event on the same partition: once it shows, the duplicates before it have been processed
    platform.providerService().post().uri("/providers/{p}/referrals/{r}/time-credits", PROVIDER, referralId)
        .bodyValue(Map.of("givenOn", LocalDate.now().toString(), "hours", 1)).exchange().expectStatus().isOk();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> platform.outcomeService().get()
        .uri("/commissioners/QXY/time-credits").exchange().expectBody()
        .jsonPath("$[?(@.providerId == '" + PROVIDER + "')].credits").value(c -> assertThat((List<Object>) c).isNotEmpty()));

    List<Map<String, Object>> ledger = ledger(platform, referralId);
    assertThat(ledger).extracting(e -> e.get("type") + "/" + e.get("milestone"))
        .containsExactly("COMMITTED/null", "PAYMENT_DUE/ENGAGEMENT", "PAYMENT_DUE/COMPLETION");
    assertThat(ledger).extracting(e -> ((Number) e.get("amount")).doubleValue()).containsExactly(100.0, 30.0, 70.0);
    long reported = platform.events(Topics.COMMISSIONER_OUTCOMES).stream()
        .filter(o -> referralId.equals(String.valueOf(o.getMetadata().getReferralId()))).count();
    assertThat(reported).as("outcomes reported for the referral").isEqualTo(1);
    Reconciliations.runNow(platform.outcomeService(), "QXY");
    platform.outcomeService().get().uri("/commissioners/QXY/ledger/reconciliation").exchange()
        .expectBody().jsonPath("$.clean").isEqualTo(true);
  }

  private static ProviderEvent providerEvent(RunningPlatform platform, String referralId, Class<?> type) {
    return platform.events(Topics.PROVIDER_EVENTS).stream()
        .filter(e -> referralId.equals(String.valueOf(e.getMetadata().getReferralId())))
        .filter(e -> type.isInstance(e.getPayload())).findFirst().orElseThrow();
  }

  private static ProviderEvent withNewId(ProviderEvent event) {
    EventMetadata metadata = EventMetadata.newBuilder(event.getMetadata()).setEventId(UUID.randomUUID()).build();
    return ProviderEvent.newBuilder(event).setMetadata(metadata).build();
  }

  private static List<Map<String, Object>> ledger(RunningPlatform platform, String referralId) {
    return platform.outcomeService().get().uri("/commissioners/QXY/ledger?referralId={r}", referralId).exchange()
        .expectStatus().isOk().expectBody(LIST).returnResult().getResponseBody();
  }
}
