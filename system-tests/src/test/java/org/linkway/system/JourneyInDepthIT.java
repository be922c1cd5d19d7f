package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.linkway.events.EventMetadata;
import org.linkway.events.Patient;
import org.linkway.events.ReferralRejected;
import org.linkway.events.ReferralRequested;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.Referrer;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.Topics;
import org.linkway.referral.intake.ReferralIntake;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.Disposable;

/**
 * The journey in depth (issue 3) over HTTP and Kafka through all three services: intake from Kafka
 * with rejections, idempotent intake, offers that expire and re-route, the maximum number of
 * attempts, the person's decline, missed sessions flagged to the referrer, the summary back to
 * the GP and the referrer's live stream. Each test uses its own ICB code so that routing among
 * the services registered here is predictable.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SuppressWarnings("unchecked")
class JourneyInDepthIT {

  static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};
  static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> SSE = new ParameterizedTypeReference<>() {};

  RunningPlatform platform;

  @BeforeAll
  void directory() {
    platform = EmbeddedPlatform.get();
    // QXT: offers must be answered within 4 s (see RunningPlatform)
    register("depth-expiry-a", "depth-expiry-a-svc", "QXT", List.of("LONELINESS"));
    register("depth-expiry-b", "depth-expiry-b-svc", "QXT", List.of("LONELINESS"));
    // QXU: four services, for attempts, the person's decline and missed sessions
    for (String name : List.of("depth-a", "depth-b", "depth-c", "depth-d")) {
      register(name, name + "-svc", "QXU", List.of("MENTAL_WELLBEING"));
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> platform.providerService().get().uri("/providers")
        .exchange().expectBody().jsonPath("$[?(@.providerId == 'depth-d')]").exists());
  }

  @Test
  void givenReferralRequestsOnKafka_whenOneIsValidAndOneIsNot_thenTheValidOneIsAReferralOnceAndTheOtherIsRejectedWithEveryReason() {
    String requestId = "gp-system-" + UUID.randomUUID();
    ReferralRequested valid = request(requestId, "9434765919", true);
    platform.send(OwnerTokens.REQUESTS, requestId, valid);
    platform.send(OwnerTokens.REQUESTS, requestId, valid); // the GP system retries
    String referralId = OwnerTokens.kafkaReferralId(requestId);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        platform.referralService().get().uri("/referrals/{id}", referralId).exchange().expectStatus().isOk());

    String badRequestId = "gp-system-" + UUID.randomUUID();
    platform.send(OwnerTokens.REQUESTS, badRequestId, request(badRequestId, "1234567890", false));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      List<ReferralRejected> rejections = platform.events(OwnerTokens.REJECTIONS).stream()
          .filter(r -> r.getRequestId().equals(badRequestId)).toList();
      assertThat(rejections).hasSize(1);
      assertThat(rejections.get(0).getErrors()).extracting(e -> e.getField())
          .contains("patient.nhsNumber", "consent");
    });
    long submitted = platform.events(Topics.REFERRALS).stream()
        .filter(e -> e.getPayload() instanceof ReferralSubmitted && referralId.equals(String.valueOf(e.getMetadata().getReferralId())))
        .count();
    assertThat(submitted).isEqualTo(1);
  }

  @Test
  void givenAnIdempotencyKey_whenTheSameReferralIsPostedTwice_thenBothAnswersNameTheSameReferral() {
    String key = UUID.randomUUID().toString();
    Map<String, Object> first = post(key, 202);
    assertThat(first).containsEntry("status", "SUBMITTED");
    Map<String, Object> second = await().atMost(Duration.ofSeconds(20)).until(() -> postOnce(key), r -> r != null);
    assertThat(second.get("referralId")).isEqualTo(first.get("referralId"));
  }

  @Test
  void givenAnOfferNobodyAnswers_whenItsDeadlinePasses_thenTheProviderIsRemindedAndTheReferralMovesOnUntilUnplaced() {
    String referralId = JourneyScenario.refer(platform, "QXT", List.of("LONELINESS"));
    await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
      Map<String, Object> referral = referral(referralId);
      assertThat(referral.get("status")).isEqualTo("UNPLACED");
      List<Map<String, Object>> history = (List<Map<String, Object>>) referral.get("history");
      assertThat(history).extracting(h -> h.get("event")).containsSubsequence(
          "ReferralSubmitted", "ReferralOffered", "OfferReminderDue", "ReferralDeclined", "ReferralOffered",
          "OfferReminderDue", "ReferralDeclined", "ReferralUnplaced");
      assertThat(history).filteredOn(h -> "ReferralDeclined".equals(h.get("event")))
          .allSatisfy(h -> assertThat((String) h.get("detail")).contains("EXPIRED"));
    });
  }

  @Test
  void givenThreeProvidersDecline_whenTheMaximumOfThreeAttemptsIsReached_thenTheReferralIsUnplacedWithTheReason() {
    String referralId = JourneyScenario.refer(platform, "QXU", List.of("MENTAL_WELLBEING"));
    for (int attempt = 1; attempt <= 3; attempt++) {
      Map<String, Object> offered = awaitOffered(referralId, attempt);
      String provider = (String) offered.get("providerId");
      JourneyScenario.awaitOffer(platform, provider, referralId);
      platform.providerService().post().uri("/providers/{p}/referrals/{r}/decline", provider, referralId)
          .bodyValue(Map.of("reason", "NOT_ELIGIBLE")).exchange().expectStatus().isOk();
    }
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      Map<String, Object> referral = referral(referralId);
      assertThat(referral.get("status")).isEqualTo("UNPLACED");
      List<Map<String, Object>> history = (List<Map<String, Object>>) referral.get("history");
      assertThat((String) history.get(history.size() - 1).get("detail")).contains("offered 3 times");
    });
  }

  @Test
  void givenAnAcceptedReferral_whenThePersonMissesTwoSessionsAndThenDeclines_thenTheReferrerIsToldAndTheSummaryCarriesTheSnomedCodes() {
    List<ServerSentEvent<Map<String, Object>>> referrerEvents = new CopyOnWriteArrayList<>();
    Disposable stream = platform.referralServiceStreams().get().uri("/referrers/{ods}/referrals/stream", "D82044")
        .accept(MediaType.TEXT_EVENT_STREAM).retrieve().bodyToFlux(SSE).subscribe(referrerEvents::add);
    try {
      String referralId = JourneyScenario.refer(platform, "QXU", List.of("MENTAL_WELLBEING"));
      String provider = (String) awaitOffered(referralId, 1).get("providerId");
      JourneyScenario.awaitOffer(platform, provider, referralId);
      platform.providerService().post().uri("/providers/{p}/referrals/{r}/accept", provider, referralId)
          .bodyValue(Map.of("measures", List.of(Map.of("instrument", "SWEMWBS", "stage", "BASELINE",
              "answers", List.of(2, 2, 3, 2, 2, 3, 2)))))
          .exchange().expectStatus().isOk();
      for (int day = 2; day >= 1; day--) {
        platform.providerService().post().uri("/providers/{p}/referrals/{r}/sessions", provider, referralId)
            .bodyValue(Map.of("attendedOn", LocalDate.now().minusDays(day).toString(), "attended", false))
            .exchange().expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("ACCEPTED");
      }
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        Map<String, Object> summary = summary(referralId);
        assertThat((Map<String, Object>) summary.get("sessions")).containsEntry("missed", 2);
        assertThat((List<String>) summary.get("flags")).anyMatch(f -> f.contains("2 sessions missed in a row"));
        assertThat((List<Map<String, Object>>) summary.get("codesToRecord"))
            .extracting(c -> c.get("code")).containsExactly("871731000000106");
      });

      platform.providerService().post().uri("/providers/{p}/referrals/{r}/decline", provider, referralId)
          .bodyValue(Map.of("reason", "PERSON_DECLINED", "note", "feels better, wants to stop")).exchange()
          .expectStatus().isOk();
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        Map<String, Object> referral = referral(referralId);
        assertThat(referral).containsEntry("status", "DECLINED").containsEntry("serviceRequestStatus", "revoked")
            .containsEntry("taskStatus", "rejected");
        assertThat((List<Map<String, Object>>) summary(referralId).get("codesToRecord"))
            .extracting(c -> c.get("code")).containsExactly("871731000000106", "871711000000103");
      });
      await().atMost(Duration.ofSeconds(20)).until(() -> referrerEvents.stream()
          .anyMatch(e -> e.data() != null && referralId.equals(e.data().get("referralId")) && "declined".equals(e.event())));
    } finally {
      stream.dispose();
    }
  }

  private Map<String, Object> awaitOffered(String referralId, int attempt) {
    // right after the POST the referral may not be recorded yet (404): keep asking
    return await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(AssertionError.class)
        .until(() -> referral(referralId),
        r -> "OFFERED".equals(r.get("status")) && ((Number) r.get("attempts")).intValue() == attempt);
  }

  private Map<String, Object> referral(String referralId) {
    return platform.referralService().get().uri("/referrals/{id}", referralId).exchange()
        .expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
  }

  private Map<String, Object> summary(String referralId) {
    return platform.referralService().get().uri("/referrals/{id}/summary", referralId).exchange()
        .expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
  }

  private Map<String, Object> post(String key, int status) {
    return platform.referralService().post().uri("/referrals").header("Idempotency-Key", key)
        .bodyValue(JourneyScenario.referralBody("QMM", List.of("LONELINESS")))
        .exchange().expectStatus().isEqualTo(status).expectBody(MAP).returnResult().getResponseBody();
  }

  /** The repeat answers 200 once the first has been recorded; until then it is not answered as a repeat. */
  private Map<String, Object> postOnce(String key) {
    var result = platform.referralService().post().uri("/referrals").header("Idempotency-Key", key)
        .bodyValue(JourneyScenario.referralBody("QMM", List.of("LONELINESS")))
        .exchange().expectBody(MAP).returnResult();
    return result.getStatus().value() == 200 ? result.getResponseBody() : null;
  }

  private void register(String providerId, String serviceId, String commissioner, List<String> needs) {
    platform.providerService().post().uri("/providers").bodyValue(Map.of("providerId", providerId,
            "name", providerId, "services", List.of(Map.of("serviceId", serviceId, "name", serviceId, "needs", needs,
                "commissioners", List.of(commissioner), "capacity", 5))))
        .exchange().expectStatus().isCreated();
  }

  private static ReferralRequested request(String requestId, String nhsNumber, boolean consent) {
    EventMetadata metadata = Events.metadata("gp-system-test", null, requestId);
    return ReferralRequested.newBuilder()
        .setMetadata(metadata)
        .setRequestId(requestId)
        .setPatient(new Patient(nhsNumber, "Grace", "Hopper", LocalDate.of(1946, 12, 9), "NR2 4AB", null, null))
        .setConsent(consent)
        .setReferrer(new Referrer("D82044", "Dr Patel"))
        .setCommissioner("QMM")
        .setNeeds(List.of("LONELINESS"))
        .build();
  }
}
