package org.linkway.referral.lifecycle.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linkway.events.PersonKey;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.people.Identities;
import org.linkway.platform.people.NhsNumber;
import org.linkway.platform.streams.ReferenceTable;
import org.linkway.platform.testing.Changelogs;
import org.linkway.platform.testing.TestStack;
import org.linkway.referral.PracticeClients;
import org.linkway.referral.ReferralServiceApplication;
import org.linkway.referral.intake.PersonIds;
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
 * 8): a referral that ends (unplaced: no service for its commissioner) is read as usual, then answers 410 Gone
 * (problem+json saying when it ended and that it was archived), its last record on the changelogs of the state store
 * and of its practice's list a tombstone (so a restore on an empty disk, after compaction, holds none of it), and once
 * its identity's time has come its data key is gone from person-keys and the referral is not found.
 */
@SpringBootTest(classes = ReferralServiceApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {"spring.config.name=referral-service", "linkway.retention.ended=PT4S", "linkway.retention.identities=PT8S"})
class ReferralRetentionIT {

  @DynamicPropertySource
  static void stack(DynamicPropertyRegistry registry) {
    TestStack.register(registry);
  }

  @LocalServerPort int port;
  @Autowired PersonIds personIds;
  @Autowired Identities identities;
  @Autowired ReferenceTable<PersonKey> personKeys;

  /** A person no other test refers. */
  private static final String NHS_NUMBER = nhsNumber("401023213");

  @Test
  void givenAReferralThatEnded_whenItsPeriodsPass_thenItIsGoneThenItsKeyIsErasedAndItIsNotFound() {
    WebTestClient http = PracticeClients.practice(port);

    Map<?, ?> body = http.post().uri("/referrals").bodyValue(Map.of(
            "patient", Map.of("nhsNumber", NHS_NUMBER, "givenName", "Mary", "familyName", "Seacole",
                "birthDate", "1948-11-23", "postcode", "NR1 3SR"),
            // no service is listed for this commissioner: the referral ends unplaced at once
            "consent", true, "referrer", Map.of("odsCode", "D82044"), "commissioner", "QRV",
            "needs", List.of("LONELINESS")))
        .exchange().expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody();
    String referralId = (String) body.get("referralId");

    String personId = personIds.of(NHS_NUMBER);
    await().atMost(Duration.ofSeconds(30)).until(() -> identities.keysOf(personId).size() == 1);
    String key = identities.keysOf(personId).get(0);
    // read as any referral while it is kept (it may be archived already on a slow machine: 4 seconds)
    int status = http.get().uri("/referrals/{id}", referralId).exchange().returnResult(String.class).getStatus().value();
    assertThat(status).isIn(200, 410);

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        http.get().uri("/referrals/{id}", referralId).exchange().expectStatus().isEqualTo(410)
            .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail)
                .contains("referral " + referralId + " ended (UNPLACED) on").contains("archived")
                .contains("history is on the referrals log")));

    // what a new instance restores on an empty disk, once the broker has compacted the changelogs: not the referral
    assertThat(Changelogs.latest(Topics.REFERRAL_SERVICE, ReferralStores.STATE)).doesNotContainKey(referralId);
    // the list is kept by the practice's task, through a repartition topic: a moment after the state
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(Changelogs.latest(Topics.REFERRAL_SERVICE, PracticeReferrals.STORE).keySet())
            .noneMatch(listKey -> listKey.endsWith(referralId)));

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(personKeys.get(key)).isEmpty();
      assertThat(identities.keysOf(personId)).isEmpty();
      http.get().uri("/referrals/{id}", referralId).exchange().expectStatus().isNotFound();
    });
  }

  /** The nine digits with their check digit. */
  private static String nhsNumber(String nine) {
    return nine + NhsNumber.checkDigit(nine);
  }
}
