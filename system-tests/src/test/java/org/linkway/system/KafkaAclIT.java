package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linkway.platform.kafka.Commissioners;
import org.linkway.platform.kafka.KafkaAccess;
import org.linkway.platform.kafka.TopicSetup;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.testing.SecuredBrokerProcess;
import org.linkway.platform.testing.TestStack;

/**
 * The single-writer rule enforced by the broker: the local stack's broker (SASL on every listener,
 * KRaft's StandardAuthorizer) with the ACLs of {@link KafkaAccess}. Each service logs in as its own
 * principal with SCRAM-SHA-256; provider-service cannot write {@code referrals}, a GP system only
 * {@code referral-requests}, and a wrong password does not get in. The three services then run a
 * referral through on that broker, each with only its own rights.
 */
class KafkaAclIT {

  private static SecuredBrokerProcess broker;
  @BeforeAll
  static void aBrokerThatAuthorisesEveryRequest() throws Exception {
    broker = SecuredBrokerProcess.start();
    Map<String, String> passwords = new LinkedHashMap<>();
    for (String principal : List.of(Topics.REFERRAL_SERVICE, Topics.PROVIDER_SERVICE, Topics.OUTCOME_SERVICE,
        OwnerTokens.GP_SYSTEM, OwnerTokens.OTHER_GP_SYSTEM)) {
      passwords.put(principal, org.linkway.stack.KafkaCredentials.passwordOf(broker.dataDir(), principal));
    }
    try (Admin admin = Admin.create(broker.admin())) {
      KafkaAccess.grant(admin, passwords, RunningPlatform.GP_SYSTEMS);
      // as on the local stack: the set-up creates the topics, as the administrator, before any service starts
      TopicSetup.setUp(admin, TopicSetup.topics(RunningPlatform.GP_SYSTEMS, Commissioners.NONE), 1, 1);
    }
  }

  @AfterAll
  static void stop() {
    if (broker != null) broker.close();
  }

  @Test
  void givenProviderServicesPrincipal_whenItWritesReferrals_thenTheBrokerRefusesAndItsOwnTopicIsWritten() throws Exception {
    assertThatThrownBy(() -> write(broker.principal(Topics.PROVIDER_SERVICE), Topics.REFERRALS.name()))
        .hasCauseInstanceOf(TopicAuthorizationException.class);
    write(broker.principal(Topics.PROVIDER_SERVICE), Topics.PROVIDER_EVENTS.name());
    write(broker.principal(Topics.REFERRAL_SERVICE), Topics.REFERRALS.name());
    assertThatThrownBy(() -> write(broker.principal(Topics.OUTCOME_SERVICE), Topics.PROVIDER_EVENTS.name()))
        .hasCauseInstanceOf(TopicAuthorizationException.class);
  }

  @Test
  void givenAGpSystemsPrincipal_whenItWrites_thenOnlyItsOwnRequestsTopicIsOpenToIt() throws Exception {
    Map<String, Object> gp = broker.principal(OwnerTokens.GP_SYSTEM);
    write(gp, OwnerTokens.REQUESTS.name());
    for (String topic : List.of(Topics.REFERRALS.name(), Topics.FUNDING_LEDGER.name(), Topics.PROVIDER_COMMANDS.name(),
        Topics.referralRequests(OwnerTokens.OTHER_GP_SYSTEM).name(), OwnerTokens.REJECTIONS.name())) {
      assertThatThrownBy(() -> write(gp, topic)).as(topic).hasCauseInstanceOf(TopicAuthorizationException.class);
    }
  }

  @Test
  void givenAGpSystemsPrincipal_whenItReadsAnotherSystemsRejections_thenTheBrokerRefuses_andItsOwnAreReadable() {
    Map<String, Object> gp = broker.principal(OwnerTokens.GP_SYSTEM);
    assertThat(read(gp, OwnerTokens.REJECTIONS.name(), OwnerTokens.GP_SYSTEM + ".rejections")).isNotNull();
    assertThatThrownBy(() -> read(gp, Topics.referralRejections(OwnerTokens.OTHER_GP_SYSTEM).name(), OwnerTokens.GP_SYSTEM + ".rejections"))
        .isInstanceOf(TopicAuthorizationException.class);
    // nor may it read what the platform says of referrals, nor use another system's consumer group
    assertThatThrownBy(() -> read(gp, Topics.REFERRALS.name(), OwnerTokens.GP_SYSTEM + ".rejections"))
        .isInstanceOf(TopicAuthorizationException.class);
    assertThatThrownBy(() -> read(gp, OwnerTokens.REJECTIONS.name(), OwnerTokens.OTHER_GP_SYSTEM + ".rejections"))
        .isInstanceOf(org.apache.kafka.common.errors.GroupAuthorizationException.class);
  }

  @Test
  void givenAServicesReplies_whenAnotherPrincipalReadsOrWritesThem_thenTheBrokerRefuses_andTheServiceItselfMay() throws Exception {
    for (String service : KafkaAccess.SERVICES) {
      String replies = Topics.repliesOf(service).name();
      write(broker.principal(service), replies);
      assertThat(read(broker.principal(service), replies, service + ".replies-probe")).as(replies).isNotNull();
      for (String other : List.of(Topics.REFERRAL_SERVICE, Topics.PROVIDER_SERVICE, Topics.OUTCOME_SERVICE, OwnerTokens.GP_SYSTEM)) {
        if (other.equals(service)) continue;
        assertThatThrownBy(() -> read(broker.principal(other), replies, other + ".replies-probe")).as(other + " reads " + replies)
            .isInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> write(broker.principal(other), replies)).as(other + " writes " + replies)
            .hasCauseInstanceOf(TopicAuthorizationException.class);
      }
    }
  }

  @Test
  void givenAWrongPassword_whenAClientConnects_thenAuthenticationFails() {
    Map<String, Object> wrong = new HashMap<>(broker.principal(Topics.REFERRAL_SERVICE));
    wrong.put("sasl.jaas.config", org.linkway.stack.KafkaCredentials.jaas(
        "org.apache.kafka.common.security.scram.ScramLoginModule", Topics.REFERRAL_SERVICE, "not-the-password"));
    assertThatThrownBy(() -> write(wrong, Topics.REFERRALS.name())).hasCauseInstanceOf(SaslAuthenticationException.class);
  }

  @Test
  void givenEachServiceAsItsOwnPrincipal_whenAReferralIsMade_thenItIsOfferedAcceptedAndFunded() {
    RunningPlatform platform = new RunningPlatform(broker.bootstrapServers(), TestStack.registry().apiUrl(),
        broker.admin(), service -> loginArgs(service)).start();
    try {
      String provider = "acl-befrienders";
      platform.providerService().post().uri("/providers").bodyValue(Map.of("providerId", provider, "name", "Befrienders",
              "services", List.of(Map.of("serviceId", provider + "-calls", "name", "Telephone befriending",
                  "needs", List.of("LONELINESS"), "commissioners", List.of("QAL"), "capacity", 10))))
          .exchange().expectStatus().isCreated();
      platform.outcomeService().put().uri("/commissioners/QAL/contracts/acl-tariff")
          .bodyValue(Map.of("providerId", provider, "validFrom", "2026-04-01", "validTo", "2027-03-31", "engagementFee", 25.00))
          .exchange().expectStatus().isOk();
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
          platform.outcomeService().get().uri("/commissioners/QAL/contracts").exchange()
              .expectBody().jsonPath("$[?(@.contractId == 'acl-tariff')]").exists());
      String referralId = JourneyScenario.refer(platform, "QAL", List.of("LONELINESS"));
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
          platform.referralService().get().uri("/referrals/{id}", referralId).exchange().expectStatus().isOk()
              .expectBody().jsonPath("$.status").isEqualTo("OFFERED").jsonPath("$.providerId").isEqualTo(provider));
      JourneyScenario.awaitOffer(platform, provider, referralId);
      platform.providerService().post().uri("/providers/{p}/referrals/{r}/accept", provider, referralId).exchange()
          .expectStatus().isOk();
      JourneyScenario.awaitReferral(platform, referralId, "ACCEPTED", provider);
      // the ledger's committed entry: outcome-service read the contract and provider-events, wrote funding-ledger
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
          assertThat(platform.events(Topics.FUNDING_LEDGER)).anyMatch(e ->
              referralId.equals(String.valueOf(e.getMetadata().getReferralId()))));
    } finally {
      platform.stop();
    }
  }

  /**
   * A GP system on the secured broker tries what one GP system could do to others when they all shared
   * one principal: refer for a practice it does not serve, write another caller into the audit trail,
   * and take another system's request id first so that the real referral answers "repeated".
   */
  @Test
  void givenAGpSystem_whenItRefersAsAnotherPractice_forgesTheActor_orTakesAnotherSystemsRequestId_thenNoneOfItWorks() {
    RunningPlatform platform = new RunningPlatform(broker.bootstrapServers(), TestStack.registry().apiUrl(),
        broker.admin(), service -> loginArgs(service)).start();
    try {
      Map<String, Object> gpTest = broker.principal(OwnerTokens.GP_SYSTEM);
      Map<String, Object> gpOther = broker.principal(OwnerTokens.OTHER_GP_SYSTEM);
      // 1. gp-test refers for A81001, a practice only gp-other-test serves: rejected, to gp-test alone, and no referral
      platform.sendAs(gpTest, OwnerTokens.REQUESTS, "as-another-practice",
          gpRequest("as-another-practice", OwnerTokens.OTHER_GP_PRACTICE, null));
      await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(platform.events(OwnerTokens.REJECTIONS))
          .anySatisfy(r -> {
            assertThat(r.getRequestId()).isEqualTo("as-another-practice");
            assertThat(r.getErrors()).anySatisfy(e -> {
              assertThat(e.getField()).isEqualTo("referrer.odsCode");
              assertThat(e.getReason()).contains("is not a practice that GP system gp-test refers for");
            });
          }));
      String wouldBe = org.linkway.referral.intake.ReferralIntake.kafkaReferralId(OwnerTokens.GP_SYSTEM,
          OwnerTokens.OTHER_GP_PRACTICE, "as-another-practice").toString();
      platform.referralService().get().uri("/referrals/{id}", wouldBe)
          .headers(h -> h.setBearerAuth(TestStack.issuer().gp(OwnerTokens.OTHER_GP_PRACTICE))).exchange()
          .expectStatus().isNotFound();
      assertThat(platform.events(Topics.REFERRALS)).noneMatch(e -> wouldBe.equals(String.valueOf(e.getMetadata().getReferralId())));

      // 2. gp-other-test refers with request id "shared-1"; gp-test then uses the same id, claiming to be someone else
      platform.sendAs(gpOther, Topics.referralRequests(OwnerTokens.OTHER_GP_SYSTEM), "shared-1",
          gpRequest("shared-1", OwnerTokens.OTHER_GP_PRACTICE, null));
      platform.sendAs(gpTest, OwnerTokens.REQUESTS, "shared-1",
          gpRequest("shared-1", OwnerTokens.PRACTICE, "gp A81001 (Dr Mallory)"));
      String others = org.linkway.referral.intake.ReferralIntake.kafkaReferralId(OwnerTokens.OTHER_GP_SYSTEM,
          OwnerTokens.OTHER_GP_PRACTICE, "shared-1").toString();
      String ours = OwnerTokens.kafkaReferralId("shared-1");
      assertThat(ours).isNotEqualTo(others);
      // both are referrals, each of its own practice: neither request id blocked the other
      await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
        platform.referralService().get().uri("/referrals/{id}", others)
            .headers(h -> h.setBearerAuth(TestStack.issuer().gp(OwnerTokens.OTHER_GP_PRACTICE))).exchange()
            .expectStatus().isOk();
        platform.referralService().get().uri("/referrals/{id}/audit", ours)
            .headers(h -> h.setBearerAuth(TestStack.issuer().gp(OwnerTokens.PRACTICE))).exchange()
            .expectStatus().isOk().expectBody(String.class).value(audit -> assertThat(audit)
                .contains("\"actor\":\"gp-system gp-test\"").doesNotContain("Mallory"));
      });
    } finally {
      platform.stop();
    }
  }

  /** A GP system's request for a practice, with whatever actor it chooses to claim. */
  private static org.linkway.events.ReferralRequested gpRequest(String requestId, String practice, String claimedActor) {
    org.linkway.events.EventMetadata metadata = org.linkway.events.EventMetadata.newBuilder(
        org.linkway.platform.kafka.Events.metadata("a-gp-system", null, requestId)).setActor(claimedActor).build();
    return org.linkway.events.ReferralRequested.newBuilder()
        .setMetadata(metadata)
        .setRequestId(requestId)
        .setPatient(new org.linkway.events.Patient("9434765919", "Grace", "Hopper", java.time.LocalDate.of(1946, 12, 9),
            "NR2 4AB", null, null))
        .setConsent(true)
        .setReferrer(new org.linkway.events.Referrer(practice, "Dr Patel"))
        .setCommissioner("QAL")
        .setNeeds(List.of("LONELINESS"))
        .build();
  }

  /** What a service is started with to log in as itself. */
  private static List<String> loginArgs(String service) {
    Map<String, Object> login = broker.principal(service);
    return List.of("--spring.kafka.security.protocol=" + login.get("security.protocol"),
        "--spring.kafka.properties.sasl.mechanism=" + login.get("sasl.mechanism"),
        "--spring.kafka.properties.sasl.jaas.config=" + login.get("sasl.jaas.config"));
  }

  /** Polls a topic from its start as a principal; the broker's refusal surfaces as its exception. */
  private static org.apache.kafka.clients.consumer.ConsumerRecords<String, String> read(Map<String, Object> login, String topic,
      String group) {
    Map<String, Object> config = new HashMap<>(login);
    config.put(org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_ID_CONFIG, group);
    config.put(org.apache.kafka.clients.consumer.ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(config,
        new org.apache.kafka.common.serialization.StringDeserializer(), new org.apache.kafka.common.serialization.StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      var records = consumer.poll(Duration.ofSeconds(5));
      consumer.commitSync();
      return records;
    }
  }

  private static void write(Map<String, Object> login, String topic) throws ExecutionException, InterruptedException {
    Map<String, Object> config = new HashMap<>(login);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "acl-test", "not read by anyone")).get();
    }
  }
}
