package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.linkway.platform.kafka.Commissioners;
import org.linkway.platform.kafka.KafkaAccess;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.kafka.TopicSetup;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.testing.SecuredBrokerProcess;
import org.linkway.platform.testing.TestStack;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Commissioners subscribe to their outcomes over Kafka. On the local stack's broker (SASL, ACLs), two ICBs
 * each have a principal of their own; one referral of each goes through the whole journey. ICB A's principal
 * reads its own {@code commissioner-outcomes.QKA} and {@code funding-ledger.QKA} with Confluent's JavaScript
 * deserializer (KafkaJS to consume) and with what Confluent's Java deserializer does, and sees only ICB A's
 * records; the broker refuses it ICB B's topics and the platform's shared ones. ICBs QKA and QKB are used only here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommissionerKafkaIT {

  static final String ICB_A = "QKA";
  static final String ICB_B = "QKB";
  static final String PRINCIPAL_A = "icb-test-a";
  static final String PRINCIPAL_B = "icb-test-b";
  static final Commissioners COMMISSIONERS = new Commissioners(Map.of(PRINCIPAL_A, ICB_A, PRINCIPAL_B, ICB_B));
  static final String PROVIDER = "icb-feed-befrienders";
  static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};
  /** Where the build put the JavaScript client and its npm packages (system-tests/pom.xml: npm ci). */
  static final Path CONFLUENT_JS = Path.of("target", "confluent-js");

  SecuredBrokerProcess broker;
  RunningPlatform platform;
  String referralA;
  String referralB;

  @BeforeAll
  void twoIcbsEachWithAnOutcome() throws Exception {
    broker = SecuredBrokerProcess.start();
    Map<String, String> passwords = new LinkedHashMap<>();
    List<String> principals = new ArrayList<>(KafkaAccess.SERVICES);
    principals.addAll(RunningPlatform.GP_SYSTEMS.names());
    principals.addAll(COMMISSIONERS.names());
    for (String principal : principals) {
      passwords.put(principal, org.linkway.stack.KafkaCredentials.passwordOf(broker.dataDir(), principal));
    }
    try (Admin admin = Admin.create(broker.admin())) {
      KafkaAccess.grant(admin, passwords, RunningPlatform.GP_SYSTEMS, COMMISSIONERS);
      // as on the local stack: the set-up creates the topics, the commissioners' own among them
      TopicSetup.setUp(admin, TopicSetup.topics(RunningPlatform.GP_SYSTEMS, COMMISSIONERS), 1, 1);
    }
    platform = new RunningPlatform(broker.bootstrapServers(), TestStack.registry().apiUrl(), broker.admin(),
        this::serviceArgs).start();

    platform.providerService().post().uri("/providers").bodyValue(Map.of("providerId", PROVIDER, "name", "ICB Feed Befrienders",
            "services", List.of(Map.of("serviceId", PROVIDER + "-calls", "name", "Telephone befriending",
                "needs", List.of("LONELINESS"), "commissioners", List.of(ICB_A, ICB_B), "capacity", 10))))
        .exchange().expectStatus().isCreated();
    for (String icb : List.of(ICB_A, ICB_B)) {
      platform.outcomeService().put().uri("/commissioners/{icb}/contracts/{id}", icb, icb.toLowerCase() + "-feed-tariff")
          .bodyValue(Map.of("providerId", PROVIDER, "validFrom", "2026-04-01", "validTo", "2027-03-31",
              "engagementFee", 25.00, "completionFee", 75.00, "completionMinSessions", 1))
          .exchange().expectStatus().isOk();
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> platform.outcomeService().get()
          .uri("/commissioners/{icb}/contracts", icb).exchange()
          .expectBody().jsonPath("$[?(@.contractId == '" + icb.toLowerCase() + "-feed-tariff')]").exists());
    }
    referralA = completeOne(ICB_A);
    referralB = completeOne(ICB_B);
    // both outcomes are committed: ICB B's own topic has its record, so nothing of B is still to come on A's
    await().atMost(Duration.ofSeconds(60)).until(() -> referrals(Topics.commissionerOutcomes(ICB_A)).contains(referralA)
        && referrals(Topics.commissionerOutcomes(ICB_B)).contains(referralB));
  }

  @AfterAll
  void stop() {
    if (platform != null) platform.stop();
    if (broker != null) broker.close();
  }

  @Test
  void givenIcbAsOwnPrincipal_whenItReadsItsTopicsWithConfluentsJavaScriptDeserializer_thenItDecodesOnlyItsOwnRecords()
      throws Exception {
    List<String> topics = List.of(Topics.commissionerOutcomes(ICB_A).name(), Topics.commissionerLedger(ICB_A).name());
    NodeRun run = node(PRINCIPAL_A, PRINCIPAL_A + ".js-reader", topics,
        Map.of(topics.get(0), List.of(referralA), topics.get(1), List.of(referralA)));
    assertThat(run.status()).as(run.output()).isZero();
    List<JsonNode> records = run.lines().stream().filter(line -> line.has("value")).toList();
    assertThat(records).as(run.output()).isNotEmpty();
    for (JsonNode record : records) {
      String json = record.toString();
      assertThat(record.get("topic").asText()).isIn(topics);
      assertThat(json).as("a record of ICB B on ICB A's topic").contains("\"commissioner\":\"" + ICB_A + "\"")
          .doesNotContain(ICB_B).doesNotContain(referralB);
      assertThat(json).doesNotContain(JourneyScenario.NHS_NUMBER).doesNotContain(JourneyScenario.FAMILY_NAME);
    }
    JsonNode outcome = records.stream().filter(r -> r.get("topic").asText().equals(topics.get(0))
        && r.get("value").get("metadata").get("referralId").asText().equals(referralA)).findFirst().orElseThrow();
    assertThat(outcome.get("key").asText()).isEqualTo(ICB_A);
    assertThat(outcome.get("value").get("personId").asText()).startsWith("p-");
    assertThat(outcome.get("value").get("measures")).as("the measures, whose Instrument type the shared schema only references")
        .hasSize(2);
    assertThat(records).anySatisfy(r -> {
      assertThat(r.get("topic").asText()).isEqualTo(topics.get(1));
      assertThat(r.get("key").asText()).isEqualTo(referralA);
    });
  }

  @Test
  void givenIcbAsOwnPrincipal_whenItReadsItsTopicsAsConfluentsJavaDeserializerDoes_thenEachSchemaIsSelfContainedAndDecodes()
      throws Exception {
    WebTestClient registry = WebTestClient.bindToServer()
        .baseUrl(platform.registryUrl().replace("/apis/registry/v3", "/apis/ccompat/v7")).build();
    for (Topic<?> topic : Topics.ofCommissioner(ICB_A)) {
      List<ConsumerRecord<byte[], byte[]>> records = records(broker.principal(PRINCIPAL_A), topic);
      assertThat(records).as(topic.name()).isNotEmpty();
      List<String> referrals = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> record : records) {
        String raw = new String(record.value(), StandardCharsets.ISO_8859_1);
        assertThat(raw).doesNotContain(JourneyScenario.NHS_NUMBER).doesNotContain(JourneyScenario.FAMILY_NAME);
        // KafkaAvroDeserializer's steps: magic byte, schema id, the schema by id (with the subject it reads), Avro binary
        ByteBuffer bytes = ByteBuffer.wrap(record.value());
        assertThat(bytes.get()).as("magic byte").isZero();
        int id = bytes.getInt();
        Map<String, Object> registered = registry.get().uri("/schemas/ids/{id}?subject={subject}", id, topic.name() + "-value")
            .exchange().expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat((List<?>) registered.getOrDefault("references", List.of())).as("references of %s", topic.name()).isEmpty();
        // a fresh parser that knows no type beforehand: the schema names every type it uses
        Schema schema = new Schema.Parser().parse((String) registered.get("schema"));
        GenericRecord value = new GenericDatumReader<GenericRecord>(schema).read(null,
            DecoderFactory.get().binaryDecoder(record.value(), 5, record.value().length - 5, null));
        GenericRecord carrier = topic.valueType() == org.linkway.events.OutcomeReported.class
            ? value : (GenericRecord) value.get("payload");
        assertThat(carrier.get("commissioner").toString()).isEqualTo(ICB_A);
        assertThat(schema.toString()).doesNotContain("nhsNumber").doesNotContain("familyName");
        referrals.add(String.valueOf(((GenericRecord) value.get("metadata")).get("referralId")));
      }
      assertThat(referrals).as(topic.name()).contains(referralA).doesNotContain(referralB);
    }
  }

  @Test
  void givenIcbAsOwnPrincipal_whenItReadsIcbBsTopicsOrTheSharedOnes_thenTheBrokerRefuses() throws Exception {
    Map<String, Object> icbA = broker.principal(PRINCIPAL_A);
    for (String topic : List.of(Topics.commissionerOutcomes(ICB_B).name(), Topics.commissionerLedger(ICB_B).name(),
        Topics.COMMISSIONER_OUTCOMES.name(), Topics.FUNDING_LEDGER.name(), Topics.REFERRALS.name(),
        Topics.PROVIDER_EVENTS.name())) {
      assertThatThrownBy(() -> subscribe(icbA, topic, PRINCIPAL_A + ".reader")).as(topic)
          .isInstanceOf(TopicAuthorizationException.class);
    }
    // its own topic, with a group that is not its own: refused; with its own: read
    assertThatThrownBy(() -> subscribe(icbA, Topics.commissionerOutcomes(ICB_A).name(), PRINCIPAL_B + ".reader"))
        .isInstanceOf(GroupAuthorizationException.class);
    subscribe(icbA, Topics.commissionerOutcomes(ICB_A).name(), PRINCIPAL_A + ".reader");
    // nor may it write its own topic: outcome-service alone does
    assertThatThrownBy(() -> write(icbA, Topics.commissionerOutcomes(ICB_A).name()))
        .hasCauseInstanceOf(TopicAuthorizationException.class);

    // Confluent's JavaScript client, logged in as ICB A, is refused ICB B's outcomes and the shared topic
    for (String topic : List.of(Topics.commissionerOutcomes(ICB_B).name(), Topics.COMMISSIONER_OUTCOMES.name())) {
      NodeRun run = node(PRINCIPAL_A, PRINCIPAL_A + ".js-intruder", List.of(topic), Map.of());
      assertThat(run.status()).as(run.output()).isEqualTo(3);
      assertThat(run.lines()).as(run.output()).anySatisfy(line ->
          assertThat(line.path("error").asText()).isEqualTo("TOPIC_AUTHORIZATION_FAILED"));
      assertThat(run.lines()).noneMatch(line -> line.has("value"));
    }
  }

  /** The referrals of the outcomes now on a topic, read as the administrator. */
  private List<String> referrals(Topic<org.linkway.events.OutcomeReported> topic) {
    return platform.events(topic).stream().map(e -> String.valueOf(e.getMetadata().getReferralId())).toList();
  }

  /** The services log in as themselves; outcome-service knows the two commissioners that read over Kafka. */
  private List<String> serviceArgs(String service) {
    Map<String, Object> login = broker.principal(service);
    List<String> args = new ArrayList<>(List.of("--spring.kafka.security.protocol=" + login.get("security.protocol"),
        "--spring.kafka.properties.sasl.mechanism=" + login.get("sasl.mechanism"),
        "--spring.kafka.properties.sasl.jaas.config=" + login.get("sasl.jaas.config")));
    if (service.equals(Topics.OUTCOME_SERVICE)) {
      COMMISSIONERS.odsByPrincipal().forEach((principal, ods) -> args.add("--" + Commissioners.SETTING + "." + principal + "=" + ods));
    }
    return args;
  }

  /** One referral of the ICB through the whole journey, with measures; returns its id. */
  private String completeOne(String icb) {
    String referralId = JourneyScenario.referAndAwaitOffer(platform, icb, List.of("LONELINESS"), PROVIDER);
    JourneyScenario.acceptOffer(platform, PROVIDER, referralId);
    JourneyScenario.attendOnceAndComplete(platform, PROVIDER, referralId);
    return referralId;
  }

  record NodeRun(int status, String output, List<JsonNode> lines) {}

  /** Runs the JavaScript client (decode.mjs) as a principal; skips the test where the build could not install it. */
  private NodeRun node(String principal, String group, List<String> topics, Map<String, List<String>> expect) throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(CONFLUENT_JS.resolve("node_modules")),
        "node and npm were not found when the build ran (system-tests/pom.xml runs npm ci in target/confluent-js), "
            + "so Confluent's JavaScript client is not installed: install Node.js 20 with npm to run this check");
    JsonMapper json = JsonMapper.builder().build();
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("brokers", List.of(broker.bootstrapServers()));
    options.put("username", principal);
    options.put("password", org.linkway.stack.KafkaCredentials.passwordOf(broker.dataDir(), principal));
    options.put("registryUrl", platform.registryUrl().replace("/apis/registry/v3", "/apis/ccompat/v7"));
    options.put("groupId", group);
    options.put("topics", topics);
    options.put("expect", expect);
    options.put("timeoutMs", 60_000);
    Path log = Files.createTempFile(Path.of("target"), "confluent-js-", ".log");
    Process process = new ProcessBuilder("node", "decode.mjs", json.writeValueAsString(options))
        .directory(CONFLUENT_JS.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("decode.mjs did not end within 120 s: " + Files.readString(log));
    }
    String output = Files.readString(log);
    List<JsonNode> lines = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (line.startsWith("{")) lines.add(json.readTree(line));
    }
    return new NodeRun(process.exitValue(), output, lines);
  }

  /** Every committed record now on a topic, read from the start as a principal. */
  private static List<ConsumerRecord<byte[], byte[]>> records(Map<String, Object> login, Topic<?> topic) {
    Map<String, Object> config = new HashMap<>(login);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < topic.partitions(); p++) partitions.add(new TopicPartition(topic.name(), p));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  /** Subscribes to a topic from its start as a principal and polls once; the broker's refusal surfaces as its exception. */
  private static void subscribe(Map<String, Object> login, String topic, String group) {
    Map<String, Object> config = new HashMap<>(login);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      consumer.poll(Duration.ofSeconds(5));
      consumer.commitSync();
    }
  }

  private static void write(Map<String, Object> login, String topic) throws Exception {
    Map<String, Object> config = new HashMap<>(login);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    // not idempotent, so that what refuses the write is the topic's ACL, not the cluster's (idempotent writes)
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "forged", "not an outcome")).get();
    }
  }
}
