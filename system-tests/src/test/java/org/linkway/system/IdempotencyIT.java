package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.linkway.events.BudgetRequest;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralCompleted;
import org.linkway.events.ReferralDeclined;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.ReserveFunding;
import org.linkway.events.SessionAttended;
import org.linkway.events.TimeCreditsEarned;
import org.linkway.platform.kafka.Topics;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Issue 15 point 7: a command sent again is not recorded twice, whichever instance it reaches. Two instances of
 * each service on a broker of their own, the first provider listed and funded. Each provider command is sent to
 * one instance and then again, with the same {@code Idempotency-Key}, to the other: both answers are the same and
 * the topics hold one event of each. A GP system's request is posted to both instances at once with the same key:
 * one referral, one ReferralSubmitted, both answers naming it, and the person's identity opens with the data key
 * of the referral that was kept.
 */
class IdempotencyIT extends TwoInstancesOfEachService {

  private static final String COMMISSIONER = JourneyScenario.COMMISSIONER;
  private static final String PROVIDER = JourneyScenario.FIRST_PROVIDER;
  private static final List<String> NEEDS = List.of("LONELINESS");
  private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};

  @Test
  void givenEachProviderCommand_whenItIsSentAgainWithItsKeyToTheOtherInstance_thenItIsAnsweredTheSameAndRecordedOnce() {
    String referralId = referAndAwaitOffer();
    String today = LocalDate.now().toString();

    assertTwiceTheSame(referralId, "accept", Map.of("note", "see you on Tuesday"));
    assertTwiceTheSame(referralId, "sessions", Map.of("attendedOn", today));
    assertTwiceTheSame(referralId, "time-credits", Map.of("givenOn", today, "hours", 2));
    assertTwiceTheSame(referralId, "complete", Map.of("completion", "COMPLETED", "measures", List.of()));

    List<ProviderEvent> events = platform.events(Topics.PROVIDER_EVENTS).stream()
        .filter(e -> referralId.equals(String.valueOf(e.getMetadata().getReferralId()))).toList();
    for (Class<?> recorded : List.of(ReferralAccepted.class, SessionAttended.class, TimeCreditsEarned.class, ReferralCompleted.class)) {
      assertThat(events).as("%s on provider-events", recorded.getSimpleName())
          .filteredOn(e -> recorded.isInstance(e.getPayload())).hasSize(1);
    }
    assertThat(platform.events(Topics.BUDGET_REQUESTS)).as("the budget asked to reserve for the acceptance")
        .filteredOn(r -> r.getPayload() instanceof ReserveFunding && referralId.equals(String.valueOf(r.getMetadata().getReferralId())))
        .hasSize(1);
  }

  @Test
  void givenADeclineWithAKey_whenItIsSentAgainToTheOtherInstance_thenOneDeclineIsRecorded() {
    String referralId = referAndAwaitOffer();

    assertTwiceTheSame(referralId, "decline", Map.of("reason", "CAPACITY"));

    assertThat(platform.events(Topics.PROVIDER_EVENTS))
        .filteredOn(e -> e.getPayload() instanceof ReferralDeclined && referralId.equals(String.valueOf(e.getMetadata().getReferralId())))
        .hasSize(1);
  }

  @Test
  void givenAKeyUsedForOneSession_whenAnotherSessionOrAMalformedKeyIsSent_thenTheyAreRefusedNamingTheHeader() {
    String referralId = referAndAwaitOffer();
    JourneyScenario.acceptOffer(platform, PROVIDER, referralId);
    String key = UUID.randomUUID().toString();
    command(1, referralId, "sessions", key, Map.of("attendedOn", LocalDate.now().toString())).expectStatus().isOk();

    command(2, referralId, "sessions", key, Map.of("attendedOn", LocalDate.now().minusDays(1).toString()))
        .expectStatus().isEqualTo(422).expectHeader().contentType("application/problem+json")
        .expectBody().jsonPath("$.errors[0].field").isEqualTo("Idempotency-Key");
    for (String malformed : List.of("", "x".repeat(201), "a\tb")) {
      command(1, referralId, "sessions", malformed, Map.of("attendedOn", LocalDate.now().toString()))
          .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("Idempotency-Key");
    }

    assertThat(platform.events(Topics.PROVIDER_EVENTS))
        .filteredOn(e -> e.getPayload() instanceof SessionAttended && referralId.equals(String.valueOf(e.getMetadata().getReferralId())))
        .hasSize(1);
  }

  @Test
  void givenTheSameReferralPostedToBothInstancesAtOnce_whenBothAreAnswered_thenOneReferralIsSubmittedAndItsIdentityOpens() {
    String key = "idem-" + UUID.randomUUID();
    CompletableFuture<EntityExchangeResult<Map<String, Object>>> first = CompletableFuture.supplyAsync(() -> refer(1, key));
    CompletableFuture<EntityExchangeResult<Map<String, Object>>> second = CompletableFuture.supplyAsync(() -> refer(2, key));

    List<EntityExchangeResult<Map<String, Object>>> answers = List.of(first.join(), second.join());

    assertThat(answers).allSatisfy(answer -> assertThat(answer.getStatus().is2xxSuccessful()).isTrue());
    String referralId = (String) answers.get(0).getResponseBody().get("referralId");
    assertThat(answers.get(1).getResponseBody()).containsEntry("referralId", referralId);
    List<ReferralSubmitted> submitted = platform.events(Topics.REFERRALS).stream()
        .filter(e -> e.getPayload() instanceof ReferralSubmitted && referralId.equals(String.valueOf(e.getMetadata().getReferralId())))
        .map(ReferralEvent::getPayload).map(ReferralSubmitted.class::cast).toList();
    assertThat(submitted).hasSize(1);
    // the data key the referral is sealed with is on person-keys; a key no referral uses was deleted
    Map<String, byte[]> keys = lastValues(submitted.get(0).getPersonId());
    assertThat(keys.get(submitted.get(0).getSealedPatient().getKeyId())).isNotNull();
    List<String> used = platform.events(Topics.REFERRALS).stream().filter(e -> e.getPayload() instanceof ReferralSubmitted s
        && s.getSealedPatient() != null).map(e -> ((ReferralSubmitted) e.getPayload()).getSealedPatient().getKeyId()).toList();
    keys.forEach((keyId, value) -> assertThat(value == null || used.contains(keyId)).as("key %s left unused", keyId).isTrue());
    platform.instance("referral-service", 2).get().uri("/referrals/{id}/summary", referralId).exchange().expectStatus().isOk()
        .expectBody().jsonPath("$.person.erased").isEqualTo(false).jsonPath("$.person.familyName").exists();
  }

  /**
   * Refers a person for the provider's service and waits until provider-service holds the offer: the queue of one
   * instance or the other shows it (each lists the offers of the partitions it holds, until the queue is keyed by
   * provider, scale-out step 7).
   */
  private String referAndAwaitOffer() {
    String referralId = JourneyScenario.refer(platform, COMMISSIONER, NEEDS);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> List.of(1, 2).stream()
        .map(k -> platform.instance("provider-service", k).get().uri("/providers/{p}/referrals?status=OFFERED", PROVIDER)
            .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody())
        .anyMatch(queue -> queue.contains(referralId)));
    return referralId;
  }

  /** The command with a new key to instance 1, then again to instance 2: the same answer both times. */
  private void assertTwiceTheSame(String referralId, String action, Map<String, Object> body) {
    String key = UUID.randomUUID().toString();
    String firstAnswer = command(1, referralId, action, key, body).expectStatus().isOk()
        .expectBody(String.class).returnResult().getResponseBody();
    String secondAnswer = command(2, referralId, action, key, body).expectStatus().isOk()
        .expectBody(String.class).returnResult().getResponseBody();
    assertThat(secondAnswer).as(action + " sent again").isEqualTo(firstAnswer);
  }

  private WebTestClient.ResponseSpec command(int instance, String referralId, String action, String key, Map<String, Object> body) {
    return platform.instance("provider-service", instance).post()
        .uri("/providers/{p}/referrals/{r}/" + action, PROVIDER, referralId)
        .header("Idempotency-Key", key).bodyValue(body).exchange();
  }

  private EntityExchangeResult<Map<String, Object>> refer(int instance, String key) {
    return platform.instance("referral-service", instance).post().uri("/referrals").header("Idempotency-Key", key)
        .bodyValue(JourneyScenario.referralBody(COMMISSIONER, NEEDS))
        .exchange().expectBody(MAP).returnResult();
  }

  /** Each of the person's data keys on person-keys (by key id), as its last record left it: null once deleted. */
  private Map<String, byte[]> lastValues(String personId) {
    Map<String, byte[]> keys = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : platform.records(Topics.PERSON_KEYS)) {
      String key = new String(record.key(), StandardCharsets.UTF_8);
      if (key.startsWith(personId + "/")) keys.put(key.substring(personId.length() + 1), record.value());
    }
    return keys;
  }
}
