package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.kafka.Topics;

/**
 * A record that cannot be read goes, byte for byte, to its topic's -dlt twin with the error in its
 * headers, and every consumer goes on: garbage is written to every partition of every topic a
 * service consumes, then a journey that needs each of those topics still completes.
 */
class DeadLetterIT {

  static final List<Topic<?>> CONSUMED = List.of(OwnerTokens.REQUESTS, OwnerTokens.OTHER_REQUESTS, Topics.REFERRALS,
      Topics.PROVIDER_EVENTS, Topics.REFERRAL_COMMANDS, Topics.PROVIDER_COMMANDS, Topics.DIRECTORY_COMMANDS,
      Topics.PROVIDER_DIRECTORY, Topics.CONTRACT_COMMANDS, Topics.FUNDING_CONTRACTS, Topics.FUNDING_LEDGER,
      Topics.BUDGET_REQUESTS, Topics.BUDGET_DECISIONS, Topics.COMMISSIONER_BUDGETS, Topics.BUDGET_USE, Topics.PERSON_KEYS,
      Topics.PERSON_ERASURES);

  @Test
  void givenGarbageOnEveryConsumedTopic_whenValidRecordsFollow_thenTheGarbageIsDeadLetteredAndTheValidRecordsAreProcessed() {
    RunningPlatform platform = EmbeddedPlatform.get();
    byte[] garbage = ("not an avro record " + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
    for (Topic<?> topic : CONSUMED) {
      for (int partition = 0; partition < topic.partitions(); partition++) {
        platform.writeRaw(topic.name(), partition, "garbage-" + partition, garbage);
      }
    }

    // provider-directory and funding-contracts: a new listing and a new contract are read
    platform.providerService().post().uri("/providers").bodyValue(Map.of("providerId", "dlt-allotments",
            "name", "Allotment Society", "services", List.of(Map.of("serviceId", "dlt-allotment-plots",
                "name", "Community allotment", "needs", List.of("NATURE"), "commissioners", List.of("QMM"),
                "capacity", 4))))
        .exchange().expectStatus().isCreated();
    platform.outcomeService().put().uri("/commissioners/QMM/contracts/dlt-allotments-tariff")
        .bodyValue(Map.of("providerId", "dlt-allotments", "validFrom", "2026-04-01", "validTo", "2027-03-31",
            "engagementFee", 25.00))
        .exchange().expectStatus().isOk();
    // commissioner-budgets: a budget set after the garbage is read
    String year = org.linkway.platform.domain.Funding.financialYear(java.time.Instant.now());
    platform.outcomeService().put().uri("/commissioners/QMM/budgets/{y}", year).bodyValue(Map.of("amount", 5000000.00))
        .exchange().expectStatus().isOk();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      platform.outcomeService().get().uri("/commissioners/QMM/budget").exchange()
          .expectBody().jsonPath("$.budget").isEqualTo(5000000.0);
      platform.providerService().get().uri("/providers").exchange()
          .expectBody().jsonPath("$[?(@.providerId == 'dlt-allotments')]").exists();
      platform.outcomeService().get().uri("/commissioners/QMM/contracts").exchange()
          .expectBody().jsonPath("$[?(@.contractId == 'dlt-allotments-tariff')]").exists();
    });

    // referrals, provider-commands, provider-events, referral-commands, budget-requests, budget-decisions,
    // funding-ledger and budget-use: a referral is offered, accepted within the budget, funded, cancelled, released
    String referralId = JourneyScenario.refer(platform, List.of("NATURE"));
    JourneyScenario.awaitReferral(platform, referralId, "OFFERED", "dlt-allotments");
    JourneyScenario.awaitOffer(platform, "dlt-allotments", referralId);
    double dueBefore = budgetDue(platform);
    platform.providerService().post().uri("/providers/dlt-allotments/referrals/{r}/accept", referralId).exchange()
        .expectStatus().isOk();
    JourneyScenario.awaitReferral(platform, referralId, "ACCEPTED", "dlt-allotments");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        platform.outcomeService().get().uri("/commissioners/QMM/ledger?referralId={r}", referralId).exchange()
            .expectBody().jsonPath("$[?(@.type == 'COMMITTED')].amount").isEqualTo(25.0));
    // the engagement fee due, read back from funding-ledger by the budget
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(budgetDue(platform)).isGreaterThanOrEqualTo(dueBefore + 25.0));
    platform.referralService().post().uri("/referrals/{r}/cancel", referralId).exchange().expectStatus().isAccepted();

    // referral-requests: a GP system's request on Kafka still becomes a referral
    String requestId = "dlt-" + java.util.UUID.randomUUID();
    platform.send(OwnerTokens.REQUESTS, requestId, org.linkway.events.ReferralRequested.newBuilder()
        .setMetadata(org.linkway.platform.kafka.Events.metadata("gp-system-test", null, requestId))
        .setRequestId(requestId)
        .setPatient(new org.linkway.events.Patient("9434765919", "Grace", "Hopper", java.time.LocalDate.of(1946, 12, 9),
            "NR2 4AB", null, null))
        .setConsent(true).setReferrer(new org.linkway.events.Referrer("D82044", null)).setCommissioner("QMM")
        .setNeeds(List.of("NATURE")).build());
    String fromKafka = OwnerTokens.kafkaReferralId(requestId);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        platform.referralService().get().uri("/referrals/{id}", fromKafka).exchange().expectStatus().isOk());

    for (Topic<?> topic : CONSUMED) {
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        List<ConsumerRecord<byte[], byte[]>> deadLetters = platform.records(topic.deadLetterName(), topic.partitions());
        List<ConsumerRecord<byte[], byte[]>> ours = deadLetters.stream()
            .filter(r -> Arrays.equals(r.value(), garbage)).toList();
        assertThat(ours).as("garbage from %s in %s", topic.name(), topic.deadLetterName())
            .hasSizeGreaterThanOrEqualTo(topic.partitions());
        for (ConsumerRecord<byte[], byte[]> record : ours) {
          Header error = record.headers().lastHeader("kafka_dlt-exception-message");
          assertThat(error).as("error header on %s", topic.deadLetterName()).isNotNull();
          assertThat(new String(record.headers().lastHeader("kafka_dlt-original-topic").value(), StandardCharsets.UTF_8))
              .isEqualTo(topic.name());
        }
      });
    }
  }

  private static double budgetDue(RunningPlatform platform) {
    Map<String, Object> budget = platform.outcomeService().get().uri("/commissioners/QMM/budget").exchange()
        .expectStatus().isOk().expectBody(new org.springframework.core.ParameterizedTypeReference<Map<String, Object>>() {})
        .returnResult().getResponseBody();
    return ((Number) budget.get("due")).doubleValue();
  }
}
