package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralSubmitted;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.testing.TestStack;
import org.springframework.core.ParameterizedTypeReference;

/**
 * Crypto-shredding: a person's identity travels the log sealed with their own data key, readable
 * by referral-service and the offered provider only; an erasure request destroys the key, after
 * which no service can read who the person was, while the referral, the ledger and the outcome
 * stay, keyed by the pseudonymous id.
 */
class ErasureIT {

  static final String COMMISSIONER = "QER";
  static final String PROVIDER = "erasure-friends";
  static final String NHS_NUMBER = "9990001111";
  static final String FAMILY_NAME = "Winterbottom";

  @Test
  void givenAReferredPerson_whenTheyAreErased_thenTheirIdentityCannotBeReadButTheReferralAndLedgerRemain() {
    RunningPlatform platform = EmbeddedPlatform.get();
    platform.providerService().post().uri("/providers").bodyValue(Map.of("providerId", PROVIDER, "name", "Erasure Friends",
            "services", List.of(Map.of("serviceId", PROVIDER + "-cafe", "name", "Memory cafe", "needs", List.of("MENTAL_WELLBEING"),
                "commissioners", List.of(COMMISSIONER), "capacity", 10))))
        .exchange().expectStatus().isCreated();
    platform.outcomeService().put().uri("/commissioners/{c}/contracts/erasure-tariff", COMMISSIONER)
        .bodyValue(Map.of("providerId", PROVIDER, "validFrom", "2026-04-01", "validTo", "2027-03-31", "engagementFee", 40.00))
        .exchange().expectStatus().isOk();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        platform.outcomeService().get().uri("/commissioners/{c}/contracts", COMMISSIONER).exchange()
            .expectBody().jsonPath("$[?(@.contractId == 'erasure-tariff')]").exists());

    Map<String, Object> body = Map.of(
        "patient", Map.of("nhsNumber", NHS_NUMBER, "givenName", "Edith", "familyName", FAMILY_NAME,
            "birthDate", "1941-03-02", "postcode", "NR2 1TT", "phone", "01603 111222", "email", "edith@example.org"),
        "consent", true, "referrer", Map.of("odsCode", OwnerTokens.PRACTICE), "commissioner", COMMISSIONER,
        "needs", List.of("MENTAL_WELLBEING"));
    String referralId = (String) platform.referralService().post().uri("/referrals").bodyValue(body).exchange()
        .expectStatus().isAccepted().expectBody(new ParameterizedTypeReference<Map<String, Object>>() {})
        .returnResult().getResponseBody().get("referralId");
    JourneyScenario.awaitReferral(platform, referralId, "OFFERED", PROVIDER);
    JourneyScenario.awaitOffer(platform, PROVIDER, referralId);

    // the offered provider sees who the person is
    platform.providerService().get().uri("/providers/{p}/referrals?status=OFFERED", PROVIDER).exchange()
        .expectBody()
        .jsonPath("$[?(@.referralId == '" + referralId + "')].person.nhsNumber").isEqualTo(NHS_NUMBER)
        .jsonPath("$[?(@.referralId == '" + referralId + "')].person.familyName").isEqualTo(FAMILY_NAME);
    // but nowhere on the log is it in clear: not on referrals, provider-events, the ledger or any changelog
    assertThat(topicsHolding(platform, NHS_NUMBER)).isEmpty();
    assertThat(topicsHolding(platform, FAMILY_NAME)).isEmpty();

    platform.providerService().post().uri("/providers/{p}/referrals/{r}/accept", PROVIDER, referralId).exchange()
        .expectStatus().isOk();
    JourneyScenario.awaitReferral(platform, referralId, "ACCEPTED", PROVIDER);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        platform.outcomeService().get().uri("/commissioners/{c}/ledger?referralId={r}", COMMISSIONER, referralId).exchange()
            .expectBody().jsonPath("$[?(@.type == 'COMMITTED')].amount").isEqualTo(40.0));

    // the erasure request, by the admin, for the pseudonymous id
    String personId = platform.events(Topics.REFERRALS).stream()
        .filter(e -> referralId.equals(String.valueOf(e.getMetadata().getReferralId())))
        .map(ReferralEvent::getPayload).filter(ReferralSubmitted.class::isInstance).map(ReferralSubmitted.class::cast)
        .findFirst().orElseThrow().getPersonId();
    platform.referralService().delete().uri("/people/{id}", personId)
        .headers(h -> h.setBearerAuth(TestStack.issuer().gp(OwnerTokens.PRACTICE))).exchange()
        .expectStatus().isForbidden();
    platform.referralService().delete().uri("/people/{id}", personId)
        .headers(h -> h.setBearerAuth(TestStack.issuer().admin())).exchange()
        .expectStatus().isOk().expectBody().jsonPath("$.keysDestroyed").isEqualTo(1);

    // no service can read who it was any more
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        platform.providerService().get().uri("/providers/{p}/referrals?status=ACCEPTED", PROVIDER).exchange()
            .expectBody()
            .jsonPath("$[?(@.referralId == '" + referralId + "')].person.erased").isEqualTo(true)
            .jsonPath("$[?(@.referralId == '" + referralId + "')].person.nhsNumber").isEqualTo((Object) null));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        platform.referralService().get().uri("/referrals/{r}/summary", referralId).exchange()
            .expectBody().jsonPath("$.person.erased").isEqualTo(true).jsonPath("$.person.familyName").doesNotExist());
    // the key's record on person-keys ends with a tombstone
    List<ConsumerRecord<byte[], byte[]>> keys = platform.records(Topics.PERSON_KEYS).stream()
        .filter(r -> new String(r.key(), StandardCharsets.UTF_8).startsWith(personId + "/")).toList();
    assertThat(keys).isNotEmpty();
    assertThat(keys.get(keys.size() - 1).value()).as("the last record of the person's key").isNull();

    // and what is not identity stays: the referral and its ledger
    JourneyScenario.awaitReferral(platform, referralId, "ACCEPTED", PROVIDER);
    platform.outcomeService().get().uri("/commissioners/{c}/ledger?referralId={r}", COMMISSIONER, referralId).exchange()
        .expectBody().jsonPath("$[?(@.type == 'COMMITTED')].amount").isEqualTo(40.0);
    // erasing again finds nothing to erase
    platform.referralService().delete().uri("/people/{id}", personId)
        .headers(h -> h.setBearerAuth(TestStack.issuer().admin())).exchange()
        .expectStatus().isNotFound();

    // a key of theirs made before the erasure but reaching person-keys after it (a referral that was on its
    // way) is destroyed when it arrives; one made after the erasure (a new referral) is kept
    java.time.Instant erasedAt = platform.events(Topics.PERSON_ERASURES).stream()
        .filter(e -> e.getPersonId().equals(personId)).findFirst().orElseThrow().getErasedAt();
    platform.send(Topics.PERSON_KEYS, personId + "/after-erasure", personKey(personId, "after-erasure", erasedAt.plusSeconds(5)));
    platform.send(Topics.PERSON_KEYS, personId + "/on-its-way", personKey(personId, "on-its-way", erasedAt.minusMillis(200)));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(lastRecordOf(platform, personId + "/on-its-way")).as("the late key's last record").isNotNull()
            .satisfies(r -> assertThat(r.value()).isNull()));
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(15)).untilAsserted(() ->
        assertThat(lastRecordOf(platform, personId + "/after-erasure").value()).as("the new key").isNotNull());
  }

  /**
   * Free text about a person (the referrer's notes, a provider's decline note, a cancel reason) travels
   * sealed with the person's data key, like their identity: the people involved read it, the log holds
   * no word of it in clear, and after an erasure nobody can read it again.
   */
  @Test
  void givenNotesDeclineNotesAndCancelReasons_whenTheyTravel_thenNoneIsInClearOnTheLogAndAnErasureLeavesThemUnreadable() {
    RunningPlatform platform = EmbeddedPlatform.get();
    String provider = "erasure-walks";
    String notes = "Lives alone since Albert died in the spring";
    String declineNote = "Group full until the hedge-laying season";
    String cancelReason = "Moved in with her daughter near Harrogate";
    platform.providerService().post().uri("/providers").bodyValue(Map.of("providerId", provider, "name", "Erasure Walks",
            "services", List.of(Map.of("serviceId", provider + "-heath", "name", "Heath walks", "needs", List.of("NATURE"),
                "commissioners", List.of(COMMISSIONER), "capacity", 10))))
        .exchange().expectStatus().isCreated();

    Map<String, Object> body = Map.of(
        "patient", Map.of("nhsNumber", "9990002223", "givenName", "Maud", "familyName", "Pettigrew",
            "birthDate", "1939-07-14", "postcode", "NR3 1AB"),
        "consent", true, "referrer", Map.of("odsCode", OwnerTokens.PRACTICE), "commissioner", COMMISSIONER,
        "needs", List.of("NATURE"), "notes", notes);
    String declined = refer(platform, body);
    JourneyScenario.awaitReferral(platform, declined, "OFFERED", provider);
    JourneyScenario.awaitOffer(platform, provider, declined);
    platform.providerService().get().uri("/providers/{p}/referrals?status=OFFERED", provider).exchange()
        .expectBody().jsonPath("$[?(@.referralId == '" + declined + "')].notes").isEqualTo(notes);
    platform.providerService().post().uri("/providers/{p}/referrals/{r}/decline", provider, declined)
        .bodyValue(Map.of("reason", "CAPACITY", "note", declineNote)).exchange().expectStatus().isOk();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        platform.referralService().get().uri("/referrals/{id}", declined).exchange().expectStatus().isOk()
            .expectBody().jsonPath("$.status").isEqualTo("UNPLACED"));
    assertThat(details(platform, declined)).anySatisfy(d -> assertThat(d).isEqualTo("reason CAPACITY: " + declineNote));

    String cancelled = refer(platform, body);
    JourneyScenario.awaitReferral(platform, cancelled, "OFFERED", provider);
    platform.referralService().post().uri("/referrals/{r}/cancel", cancelled).bodyValue(Map.of("reason", cancelReason))
        .exchange().expectStatus().isAccepted();
    assertThat(details(platform, cancelled)).contains(cancelReason);
    platform.referralService().get().uri("/referrals/{r}/audit", cancelled).exchange()
        .expectBody().jsonPath("$[?(@.event == 'ReferralCancelled')].detail").isEqualTo(cancelReason);

    // on no topic or changelog in clear: referrals, provider-events, both command topics, the state stores
    for (String text : List.of(notes, declineNote, cancelReason)) {
      assertThat(topicsHolding(platform, text)).as(text).isEmpty();
    }

    String personId = platform.events(Topics.REFERRALS).stream()
        .filter(e -> declined.equals(String.valueOf(e.getMetadata().getReferralId())))
        .map(ReferralEvent::getPayload).filter(ReferralSubmitted.class::isInstance).map(ReferralSubmitted.class::cast)
        .findFirst().orElseThrow().getPersonId();
    platform.referralService().delete().uri("/people/{id}", personId)
        .headers(h -> h.setBearerAuth(TestStack.issuer().admin())).exchange()
        .expectStatus().isOk().expectBody().jsonPath("$.keysDestroyed").isEqualTo(2);
    // what happened stays, what anyone wrote about the person is gone with their keys
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(details(platform, declined)).contains("reason CAPACITY").noneMatch(d -> d != null && d.contains("hedge"));
      assertThat(details(platform, cancelled)).noneMatch(d -> d != null && d.contains("Harrogate"));
    });
    platform.referralService().get().uri("/referrals/{r}/summary", declined).exchange().expectBody(String.class)
        .value(summary -> assertThat(summary).doesNotContain("hedge").doesNotContain("Albert").contains("CAPACITY"));
  }

  private static String refer(RunningPlatform platform, Map<String, Object> body) {
    return (String) platform.referralService().post().uri("/referrals").bodyValue(body).exchange()
        .expectStatus().isAccepted().expectBody(new ParameterizedTypeReference<Map<String, Object>>() {})
        .returnResult().getResponseBody().get("referralId");
  }

  /** The details of a referral's history, as its referrer reads them. */
  @SuppressWarnings("unchecked")
  private static List<String> details(RunningPlatform platform, String referralId) {
    List<Map<String, Object>> history = platform.referralService().get().uri("/referrals/{r}", referralId).exchange()
        .expectStatus().isOk().expectBody(new ParameterizedTypeReference<Map<String, Object>>() {}).returnResult()
        .getResponseBody().get("history") instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
    return history.stream().map(h -> (String) h.get("detail")).toList();
  }

  private static org.linkway.events.PersonKey personKey(String personId, String keyId, java.time.Instant createdAt) {
    return new org.linkway.events.PersonKey(personId, keyId, java.nio.ByteBuffer.wrap(new byte[12]),
        java.nio.ByteBuffer.wrap(new byte[48]), createdAt);
  }

  private static ConsumerRecord<byte[], byte[]> lastRecordOf(RunningPlatform platform, String recordKey) {
    List<ConsumerRecord<byte[], byte[]>> records = platform.records(Topics.PERSON_KEYS).stream()
        .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(recordKey)).toList();
    return records.isEmpty() ? null : records.get(records.size() - 1);
  }

  /** The topics (and changelogs) whose records hold the text, except the GP systems' own input. */
  private static List<String> topicsHolding(RunningPlatform platform, String text) {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    List<String> names = new java.util.ArrayList<>();
    try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", platform.bootstrapServers()))) {
      for (var listing : admin.listTopics().listings().get()) {
        String name = listing.name();
        if (name.equals(OwnerTokens.REQUESTS.name()) || name.endsWith(Topic.DEAD_LETTER_SUFFIX) || name.startsWith("__")) {
          continue; // what GP systems send, as they send it; dead letters are raw input too
        }
        int partitions = admin.describeTopics(List.of(name)).allTopicNames().get().get(name).partitions().size();
        if (platform.records(name, partitions).stream().anyMatch(r -> contains(r.value(), needle) || contains(r.key(), needle))) {
          names.add(name);
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return names;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    if (haystack == null) return false;
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) continue outer;
      }
      return true;
    }
    return false;
  }
}
