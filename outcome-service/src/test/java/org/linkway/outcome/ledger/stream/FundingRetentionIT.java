package org.linkway.outcome.ledger.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.linkway.events.Completion;
import org.linkway.events.ContractAgreed;
import org.linkway.events.EventMetadata;
import org.linkway.events.FundingReservation;
import org.linkway.events.NeedCode;
import org.linkway.events.Patient;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralCancelled;
import org.linkway.events.ReferralCompleted;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.Referrer;
import org.linkway.outcome.OutcomeServiceApplication;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.testing.Changelogs;
import org.linkway.platform.testing.TestStack;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Retention of the funding on the embedded broker, with {@code linkway.retention.ended} 4 seconds: a referral's
 * funding, once it has ended (completed, paid), answers {@code ?referralId=} 410 Gone (problem+json saying when it ended
 * and was archived), leaves the commissioner's ledger list, and its last record on {@code funding-state}'s changelog is a
 * tombstone; the summary keeps its money; its acceptance and completion read again (the same event, and new ids) and a
 * cancel commit, pay and release nothing. Two live referrals on the same partition of each input topic, read after
 * those late inputs, show they were processed.
 */
@SpringBootTest(classes = OutcomeServiceApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {"spring.config.name=outcome-service", "linkway.retention.ended=PT4S", "linkway.retention.identities=PT10M"})
class FundingRetentionIT {

  private static final String ICB = "QRT";
  private static final String CONTRACT = "qrt-retention-it";
  private static final String PERSON = "p-0123456789abcdef";
  private static final List<NeedCode> NEEDS = List.of(NeedCode.LONELINESS);

  @DynamicPropertySource
  static void stack(DynamicPropertyRegistry registry) {
    TestStack.register(registry);
  }

  @LocalServerPort int port;
  @Autowired KafkaTemplate<String, SpecificRecord> kafka;

  @Test
  void givenAReferralPaidAndEnded_whenItsPeriodPasses_thenItIsGoneItsMoneyStaysAndItsEventsReadAgainPayNothing()
      throws Exception {
    WebTestClient http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
        .defaultHeaders(h -> h.setBearerAuth(TestStack.issuer().commissioner(ICB)))
        .responseTimeout(Duration.ofSeconds(20)).build();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        http.get().uri("/actuator/health").exchange().expectStatus().isOk());
    kafka.send(Topics.FUNDING_CONTRACTS.name(), CONTRACT, contract()).get();

    String ended = UUID.randomUUID().toString();
    // read after the late inputs on the same partitions: one on provider-events, one on referrals
    String providerMarker = onPartitionOf(ended);
    String referralMarker = onPartitionOf(ended);
    for (String referral : List.of(providerMarker, referralMarker)) {
      send(Topics.REFERRALS.name(), referral, submitted(referral));
      send(Topics.PROVIDER_EVENTS.name(), referral, accepted(referral));
    }
    send(Topics.REFERRALS.name(), ended, submitted(ended));
    ProviderEvent accepted = accepted(ended);
    ProviderEvent completed = completed(ended);
    send(Topics.PROVIDER_EVENTS.name(), ended, accepted);
    send(Topics.PROVIDER_EVENTS.name(), ended, completed);

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        http.get().uri("/commissioners/{c}/ledger?referralId={r}", ICB, ended).exchange().expectStatus().isEqualTo(410)
            .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail)
                .contains("referral " + ended + " ended (COMPLETED) on").contains("funding was archived")));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(referralsOnTheLedger(http)).doesNotContain(ended));
    // what a new instance restores on an empty disk, once the broker has compacted the changelog: not the referral
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(Changelogs.latest(Topics.OUTCOME_SERVICE, FundingProcessor.STORE)).doesNotContainKey(ended));

    // read again: the same events, the same facts under new ids, and a cancel
    send(Topics.PROVIDER_EVENTS.name(), ended, accepted);
    send(Topics.PROVIDER_EVENTS.name(), ended, accepted(ended));
    send(Topics.PROVIDER_EVENTS.name(), ended, completed(ended));
    send(Topics.REFERRALS.name(), ended, new ReferralEvent(meta(ended), new ReferralCancelled(null, "D82044", null)));
    send(Topics.PROVIDER_EVENTS.name(), providerMarker, completed(providerMarker));
    send(Topics.REFERRALS.name(), referralMarker, new ReferralEvent(meta(referralMarker), new ReferralCancelled(null, "D82044", null)));

    // each marker ends with its input (completed; cancelled): its third entry, or its archiving soon after, shows it read
    await().atMost(Duration.ofSeconds(60)).until(() -> endedAndRead(http, providerMarker) && endedAndRead(http, referralMarker));
    // committed 200 each; due: the ended one 50 + 150, the provider marker 50 + 150, the referral marker 50; released 150
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Map<?, ?> summary = http.get().uri("/commissioners/{c}/summary", ICB).exchange().expectStatus().isOk()
          .expectBody(Map.class).returnResult().getResponseBody();
      assertThat(new BigDecimal(String.valueOf(summary.get("committed")))).isEqualByComparingTo("600.00");
      assertThat(new BigDecimal(String.valueOf(summary.get("due")))).isEqualByComparingTo("450.00");
      assertThat(new BigDecimal(String.valueOf(summary.get("released")))).isEqualByComparingTo("150.00");
    });
    assertThat(Changelogs.latest(Topics.OUTCOME_SERVICE, FundingProcessor.STORE)).doesNotContainKey(ended);
    http.get().uri("/commissioners/{c}/ledger?referralId={r}", ICB, ended).exchange().expectStatus().isEqualTo(410);
  }

  private void send(String topic, String key, SpecificRecord value) throws Exception {
    kafka.send(topic, key, value).get();
  }

  /** The referral's three entries are on the ledger, or it has been archived since (410): it ended. */
  private static boolean endedAndRead(WebTestClient http, String referral) {
    var result = http.get().uri("/commissioners/{c}/ledger?referralId={r}", ICB, referral).exchange()
        .expectBody(String.class).returnResult();
    return result.getStatus().value() == 410 || result.getStatus().is2xxSuccessful()
        && result.getResponseBody().split("\"entryId\"", -1).length - 1 == 3;
  }

  /** The referrals of the entries on the commissioner's ledger's first page. */
  @SuppressWarnings("unchecked")
  private static List<String> referralsOnTheLedger(WebTestClient http) {
    List<Map<String, Object>> page = http.get().uri("/commissioners/{c}/ledger", ICB).exchange().expectStatus().isOk()
        .expectBodyList(Map.class).returnResult().getResponseBody().stream().map(e -> (Map<String, Object>) e).toList();
    return page.stream().map(e -> String.valueOf(e.get("referralId"))).toList();
  }

  /** A new referral id whose records go to the same partition as {@code referralId}'s (the default partitioner's). */
  private static String onPartitionOf(String referralId) {
    int partitions = Topics.PROVIDER_EVENTS.partitions();
    if (Topics.REFERRALS.partitions() != partitions) throw new IllegalStateException("the input topics are co-partitioned");
    int target = partition(referralId, partitions);
    while (true) {
      String candidate = UUID.randomUUID().toString();
      if (partition(candidate, partitions) == target) return candidate;
    }
  }

  private static int partition(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  private static ContractAgreed contract() {
    return ContractAgreed.newBuilder().setMetadata(Events.metadata("test", null, null))
        .setContractId(CONTRACT).setCommissioner(ICB).setProviderId("p1").setServiceIds(List.of())
        .setValidFrom(LocalDate.of(2026, 4, 1)).setValidTo(LocalDate.of(2027, 3, 31)).setCurrency("GBP")
        .setEngagementFee(new BigDecimal("50.00")).setCompletionFee(new BigDecimal("150.00")).setCompletionMinSessions(3)
        .build();
  }

  private static EventMetadata meta(String referral) {
    return EventMetadata.newBuilder(Events.metadata("test", UUID.fromString(referral), null)).setOccurredAt(Instant.now())
        .build();
  }

  private static ReferralEvent submitted(String referral) {
    return new ReferralEvent(meta(referral), new ReferralSubmitted(PERSON,
        new Patient("9434765919", "Ada", "Lovelace", LocalDate.of(1950, 12, 10), "NR1 3SR", null, null), null, "NR1", 75,
        true, new Referrer("D82044", null), ICB, NEEDS, null, null, null, null, false, null, null));
  }

  private static ProviderEvent accepted(String referral) {
    return new ProviderEvent(meta(referral), new ReferralAccepted("p1", "svc-1", ICB, PERSON, NEEDS,
        new FundingReservation(CONTRACT, new BigDecimal("200.00"), "2026-27", false)));
  }

  private static ProviderEvent completed(String referral) {
    return new ProviderEvent(meta(referral), new ReferralCompleted("p1", "svc-1", ICB, PERSON, NEEDS,
        Completion.COMPLETED, 3, List.of(), List.of(), 0));
  }
}
