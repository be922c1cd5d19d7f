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
import java.util.concurrent.TimeUnit;
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
import org.linkway.platform.KafkaAccess;
import org.linkway.platform.Topic;
import org.linkway.platform.Topics;
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
        KafkaAccess.GP_SYSTEMS)) {
      passwords.put(principal, org.linkway.stack.KafkaCredentials.passwordOf(broker.dataDir(), principal));
    }
    try (Admin admin = Admin.create(broker.admin())) {
      KafkaAccess.grant(admin, passwords);
      List<org.apache.kafka.clients.admin.NewTopic> topics = new java.util.ArrayList<>();
      for (Topic<?> topic : Topics.all()) {
        topics.add(new org.apache.kafka.clients.admin.NewTopic(topic.name(), topic.partitions(), (short) 1));
      }
      admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
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
  void givenTheGpSystemsPrincipal_whenItWrites_thenOnlyReferralRequestsIsOpenToIt() throws Exception {
    write(broker.principal(KafkaAccess.GP_SYSTEMS), Topics.REFERRAL_REQUESTS.name());
    for (Topic<?> topic : List.of(Topics.REFERRALS, Topics.FUNDING_LEDGER, Topics.PROVIDER_COMMANDS)) {
      assertThatThrownBy(() -> write(broker.principal(KafkaAccess.GP_SYSTEMS), topic.name()))
          .as(topic.name()).hasCauseInstanceOf(TopicAuthorizationException.class);
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

  /** What a service is started with to log in as itself. */
  private static List<String> loginArgs(String service) {
    Map<String, Object> login = broker.principal(service);
    return List.of("--spring.kafka.security.protocol=" + login.get("security.protocol"),
        "--spring.kafka.properties.sasl.mechanism=" + login.get("sasl.mechanism"),
        "--spring.kafka.properties.sasl.jaas.config=" + login.get("sasl.jaas.config"));
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
