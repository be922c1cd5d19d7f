package org.linkway.provider.offers.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.linkway.events.EventMetadata;
import org.linkway.events.NeedCode;
import org.linkway.events.Patient;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralOffered;
import org.linkway.platform.kafka.EventPublisher;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.pages.SignInCookie;
import org.linkway.platform.testing.Changelogs;
import org.linkway.platform.testing.TestStack;
import org.linkway.provider.ProviderServiceApplication;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Retention on the embedded broker, with short settings ({@code linkway.retention.ended} 4 seconds, {@code identities}
 * 30): an offer declined by the person is read as usual, then its provider's command on it answers 410 Gone
 * (problem+json saying when it ended and that it was archived) and so does its inbox page (a page saying so), its last
 * record on the changelogs of the state store and of its provider's list a tombstone (so a restore on an empty disk,
 * after compaction, holds none of it); once the note's time has come the offer is not found.
 */
@SpringBootTest(classes = ProviderServiceApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
    // 410 is answered from the archive (from the first sweep after ended + 4 s) until the note goes (the first after
    // ended + 30 s). With the note kept 8 s, one clean-clone run never saw 410: its decline was answered 19 s after it
    // was sent, with nothing in the service's log meanwhile, and the next answers were 409, then 404 0.15 s later (the
    // two times passed by one sweep). Kept 30 s, the window stays open through a delay of that length.
    properties = {"spring.config.name=provider-service", "linkway.retention.ended=PT4S", "linkway.retention.identities=PT30S"})
class OfferRetentionIT {

  private static final String PROVIDER = "retention-walks";

  @DynamicPropertySource
  static void stack(DynamicPropertyRegistry registry) {
    TestStack.register(registry);
  }

  @LocalServerPort int port;
  @Autowired EventPublisher publisher;

  @Test
  void givenAnOfferThatEnded_whenItsPeriodsPass_thenItIsGoneFromTheStoresAndAnswersGoneThenNotFound() {
    WebTestClient http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
        .defaultHeaders(h -> h.setBearerAuth(TestStack.issuer().provider(PROVIDER)))
        .responseTimeout(Duration.ofSeconds(20)).build();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        http.get().uri("/actuator/health").exchange().expectStatus().isOk());
    String referralId = UUID.randomUUID().toString();
    publisher.publish(Topics.REFERRALS, referralId, offer(referralId)).block(Duration.ofSeconds(20));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        http.post().uri("/providers/{p}/referrals/{r}/decline", PROVIDER, referralId)
            .bodyValue(Map.of("reason", "PERSON_DECLINED")).exchange().expectStatus().isOk());

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        http.post().uri("/providers/{p}/referrals/{r}/sessions", PROVIDER, referralId)
            .bodyValue(Map.of("attendedOn", LocalDate.now().toString())).exchange()
            .expectStatus().isEqualTo(410)
            .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail)
                .contains("the offer of referral " + referralId + " ended (DECLINED) on").contains("archived")
                .contains("history is on the provider-events log")));
    String page = http.get().uri("/app/inbox/referrals/{r}", referralId)
        .cookie(SignInCookie.NAME, TestStack.issuer().provider(PROVIDER)).exchange()
        .expectStatus().isEqualTo(410).expectBody(String.class).returnResult().getResponseBody();
    assertThat(page).contains("Referral archived", "ended (DECLINED)");

    // what a new instance restores on an empty disk, once the broker has compacted the changelogs: not the offer
    assertThat(Changelogs.latest(Topics.PROVIDER_SERVICE, OfferProcessor.STORE)).doesNotContainKey(referralId);
    // the lists are kept by the provider's task, through a repartition topic: a moment after the state
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (String list : List.of(ProviderOffers.STORE, ProviderOffers.BY_STATUS.store(), ProviderOffers.CHANGES.store())) {
        assertThat(Changelogs.latest(Topics.PROVIDER_SERVICE, list).keySet()).as(list).noneMatch(key -> key.endsWith(referralId));
      }
    });

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        http.post().uri("/providers/{p}/referrals/{r}/sessions", PROVIDER, referralId)
            .bodyValue(Map.of("attendedOn", LocalDate.now().toString())).exchange().expectStatus().isNotFound());
  }

  private static ReferralEvent offer(String referralId) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    ReferralOffered offered = ReferralOffered.newBuilder()
        .setProviderId(PROVIDER).setServiceId(PROVIDER + "-walk").setAttempt(1).setNeedsMet(List.of(NeedCode.NATURE))
        .setCommissioner("QRV").setPersonId("p-0123456789abcdef").setNeeds(List.of(NeedCode.NATURE))
        .setPatient(new Patient("9434765919", "Ada", "Lovelace", LocalDate.of(1950, 12, 10), "NR1 3SR", null, null))
        .setRespondBy(now.plus(Duration.ofDays(14)))
        .build();
    EventMetadata meta = EventMetadata.newBuilder(Events.metadata("referral-service", UUID.fromString(referralId), null))
        .setOccurredAt(now).build();
    return new ReferralEvent(meta, offered);
  }
}
