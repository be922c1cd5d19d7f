package org.linkway.system;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.linkway.outcome.OutcomeServiceApplication;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Commissioners;
import org.linkway.platform.kafka.GpSystems;
import org.linkway.platform.kafka.LinkwayKafkaProperties;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.kafka.TopicSetup;
import org.linkway.platform.security.Secrets;
import org.linkway.platform.streams.GlobalTables;
import org.linkway.platform.testing.TestStack;
import org.linkway.provider.ProviderServiceApplication;
import org.linkway.referral.ReferralServiceApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The three services, each a Spring Boot application with its own context, HTTP port and Kafka
 * Streams state directory, started in this JVM against one broker and one registry. Tests talk to
 * them over real HTTP on loopback.
 */
final class RunningPlatform {

  /** The GP systems that refer over Kafka, each for its own practice, as referral-service is configured here. */
  static final GpSystems GP_SYSTEMS = new GpSystems(Map.of(
      OwnerTokens.GP_SYSTEM, Set.of(OwnerTokens.PRACTICE),
      OwnerTokens.OTHER_GP_SYSTEM, Set.of(OwnerTokens.OTHER_GP_PRACTICE)));

  private final String bootstrapServers;
  private final String registryUrl;
  /** The services' own Avro serdes, to read and write events as they do. */
  private final AvroSerdes serdes;
  private final Map<String, Object> clientLogin;
  private final java.util.function.Function<String, List<String>> serviceArgs;
  private int replicationFactor = 1;
  private int minInsyncReplicas = 1;
  private ConfigurableApplicationContext referralService;
  private ConfigurableApplicationContext providerService;
  private ConfigurableApplicationContext outcomeService;
  /** Instances 2, 3 … of each service, where several run; instance 1 is the field above. */
  private final Map<String, List<ConfigurableApplicationContext>> moreInstances = new HashMap<>();
  private int instances = 1;

  RunningPlatform(String bootstrapServers, String registryUrl) {
    this(bootstrapServers, registryUrl, Map.of(), service -> List.of());
  }

  /**
   * On a broker that authenticates: the tests' own clients log in with {@code clientLogin} (the
   * administrator's), and each service is started with its own {@code serviceArgs} (its principal).
   */
  RunningPlatform(String bootstrapServers, String registryUrl, Map<String, Object> clientLogin,
      java.util.function.Function<String, List<String>> serviceArgs) {
    this.bootstrapServers = bootstrapServers;
    this.registryUrl = registryUrl;
    this.clientLogin = clientLogin;
    this.serviceArgs = serviceArgs;
    this.serdes = new AvroSerdes(new LinkwayKafkaProperties(registryUrl, null, null, null, 0, null));
  }

  /**
   * On a replicated cluster: the topics are set up with so many replicas, and the services replicate their
   * internal topics as much.
   */
  RunningPlatform replicated(int replicationFactor, int minInsyncReplicas) {
    this.replicationFactor = replicationFactor;
    this.minInsyncReplicas = minInsyncReplicas;
    return this;
  }

  /**
   * Several instances of each service: each on a port fixed before it starts, which it gives the
   * others as its {@code application.server}, with its own static member id and state directory.
   */
  RunningPlatform withInstances(int count) {
    this.instances = count;
    return this;
  }

  /** Sets up the topics (those there already are left alone), as the stack's set-up does, then starts the services. */
  RunningPlatform start() {
    setUpTopics(TopicSetup.topics(GP_SYSTEMS, Commissioners.NONE));
    referralService = start(ReferralServiceApplication.builder(), ReferralServiceApplication.NAME, 1);
    providerService = start(ProviderServiceApplication.builder(), ProviderServiceApplication.NAME, 1);
    outcomeService = start(OutcomeServiceApplication.builder(), OutcomeServiceApplication.NAME, 1);
    for (int k = 2; k <= instances; k++) {
      moreInstances.computeIfAbsent(ReferralServiceApplication.NAME, s -> new ArrayList<>())
          .add(start(ReferralServiceApplication.builder(), ReferralServiceApplication.NAME, k));
      moreInstances.computeIfAbsent(ProviderServiceApplication.NAME, s -> new ArrayList<>())
          .add(start(ProviderServiceApplication.builder(), ProviderServiceApplication.NAME, k));
      moreInstances.computeIfAbsent(OutcomeServiceApplication.NAME, s -> new ArrayList<>())
          .add(start(OutcomeServiceApplication.builder(), OutcomeServiceApplication.NAME, k));
    }
    List.of(referralService, providerService, outcomeService).forEach(RunningPlatform::awaitHealthy);
    moreInstances.values().forEach(contexts -> contexts.forEach(RunningPlatform::awaitHealthy));
    return this;
  }

  /** Instance {@code k} (from 1) of a service (referral-service, provider-service, outcome-service). */
  WebTestClient instance(String service, int k) {
    return client(k == 1 ? contextOf(service) : moreInstances.get(service).get(k - 2));
  }

  /**
   * Loses instance {@code k} (2 or more) of a service as a machine would be lost: its stream threads stop
   * without leaving their group (a static member), so the others take its partitions only when its session
   * times out; then its HTTP server stops.
   */
  void loseInstance(String service, int k) {
    if (k < 2) throw new IllegalArgumentException("instance 1 is the one the other tests talk to: lose instance 2 or more");
    ConfigurableApplicationContext context = moreInstances.get(service).get(k - 2);
    KafkaStreams streams = context.getBean(StreamsBuilderFactoryBean.class).getKafkaStreams();
    if (streams != null) streams.close(new KafkaStreams.CloseOptions().leaveGroup(false).timeout(Duration.ofSeconds(10)));
    context.close();
  }

  /** Stops outcome-service and starts it again on an empty state directory: its state comes back from the changelogs. */
  void restartOutcomeServiceFromScratch() {
    outcomeService.close();
    outcomeService = start(OutcomeServiceApplication.builder(), OutcomeServiceApplication.NAME, 1);
    awaitHealthy(outcomeService);
  }

  /** The same for referral-service. */
  void restartReferralServiceFromScratch() {
    referralService.close();
    referralService = start(ReferralServiceApplication.builder(), ReferralServiceApplication.NAME, 1);
    awaitHealthy(referralService);
  }

  void stop() {
    moreInstances.values().forEach(contexts -> contexts.forEach(ConfigurableApplicationContext::close));
    for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] {outcomeService, providerService, referralService}) {
      if (context != null) context.close();
    }
  }

  WebTestClient referralService() {
    return client(referralService);
  }

  WebTestClient providerService() {
    return client(providerService);
  }

  WebTestClient outcomeService() {
    return client(outcomeService);
  }

  WebClient referralServiceStreams() {
    return WebClient.builder().baseUrl(baseUrl(referralService)).filter(OwnerTokens.filter()).build();
  }

  WebClient providerServiceStreams() {
    return WebClient.builder().baseUrl(baseUrl(providerService)).filter(OwnerTokens.filter()).build();
  }

  /** A client for the live streams of instance {@code k} (from 1) of a service, with the owner's tokens. */
  WebClient streams(String service, int k) {
    ConfigurableApplicationContext context = k == 1 ? contextOf(service) : moreInstances.get(service).get(k - 2);
    return WebClient.builder().baseUrl(baseUrl(context)).filter(OwnerTokens.filter()).build();
  }

  WebClient outcomeServiceStreams() {
    return WebClient.builder().baseUrl(baseUrl(outcomeService)).filter(OwnerTokens.filter()).build();
  }

  /** Every record now on a topic, as raw bytes, read from the start (read_committed). */
  List<ConsumerRecord<byte[], byte[]>> records(Topic<?> topic) {
    return records(topic.name(), topic.partitions());
  }

  List<ConsumerRecord<byte[], byte[]>> records(String topicName, int partitions) {
    Properties config = clientConfig();
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> assigned = new ArrayList<>();
      for (int p = 0; p < partitions; p++) assigned.add(new TopicPartition(topicName, p));
      consumer.assign(assigned);
      consumer.seekToBeginning(assigned);
      Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
      Map<TopicPartition, Long> position = new HashMap<>();
      while (assigned.stream().anyMatch(tp -> position.computeIfAbsent(tp, consumer::position) < end.get(tp))) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        assigned.forEach(tp -> position.put(tp, consumer.position(tp)));
      }
    }
    return records;
  }

  /** Every readable event now on a topic, read with the same Avro deserializer as the services. */
  <V extends org.apache.avro.specific.SpecificRecord> List<V> events(Topic<V> topic) {
    try (var serde = serdes.forTopic(topic)) {
      List<V> events = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> record : records(topic)) {
        // other tests write garbage on purpose (DeadLetterIT): skip what is not in the wire format, as the services do
        if (record.value() == null || record.value().length < 5 || record.value()[0] != 0) continue;
        try {
          events.add(serde.deserializer().deserialize(topic.name(), record.headers(), record.value()));
        } catch (RuntimeException unreadable) {
          // not one of ours
        }
      }
      return events;
    }
  }

  /** Writes an Avro event to a topic the way a GP system's producer would, through the registry. */
  <V extends org.apache.avro.specific.SpecificRecord> void send(Topic<V> topic, String key, V value) {
    sendAs(Map.of(), topic, key, value);
  }

  /** The same, logged in as a principal of the broker (its SASL settings). */
  <V extends org.apache.avro.specific.SpecificRecord> void sendAs(Map<String, Object> login, Topic<V> topic, String key, V value) {
    Properties config = clientConfig();
    config.putAll(login);
    try (var serde = serdes.forTopic(topic);
        KafkaProducer<String, V> producer = new KafkaProducer<>(config,
            new org.apache.kafka.common.serialization.StringSerializer(), serde.serializer())) {
      producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sum of the end offsets of a topic's partitions: grows by one for each record written. */
  long endOffsets(Topic<?> topic) {
    Properties config = clientConfig();
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < topic.partitions(); p++) partitions.add(new TopicPartition(topic.name(), p));
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Writes raw bytes to a topic, as a misbehaving producer would. */
  void writeRaw(String topicName, int partition, String key, byte[] value) {
    Properties config = clientConfig();
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
      producer.send(new ProducerRecord<>(topicName, partition, key.getBytes(), value)).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  /** Creates those of the topics that are missing, with the platform's replication, as the stack's set-up does. */
  void setUpTopics(List<Topic<?>> topics) {
    try (Admin admin = Admin.create(clientConfig())) {
      TopicSetup.setUp(admin, topics, replicationFactor, minInsyncReplicas);
    } catch (Exception e) {
      throw new IllegalStateException("could not set the topics up", e);
    }
  }

  String registryUrl() {
    return registryUrl;
  }

  /** Settings of the tests' own Kafka clients: the broker, and the login where the broker asks for one. */
  private Properties clientConfig() {
    Properties config = new Properties();
    config.putAll(clientLogin);
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return config;
  }

  /** Starts instance k of a service (referral-service, provider-service, outcome-service) as {@link #start()} does, with no wait. */
  ConfigurableApplicationContext start(SpringApplicationBuilder builder, String service, int instance) {
    String stateDir;
    try {
      stateDir = Files.createTempDirectory("linkway-system-streams").toString();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    // each service gets its own Reactor Netty resources: closing one (a restart) must not stop the others
    builder.initializers(context -> ((GenericApplicationContext) context).registerBean(
        "reactorServerResourceFactory", ReactorResourceFactory.class, () -> {
          ReactorResourceFactory resources = new ReactorResourceFactory();
          resources.setUseGlobalResources(false);
          return resources;
        }));
    // one instance: any free port; several: a port known before start, since the others reach it there
    int port = instances == 1 ? 0 : org.linkway.platform.testing.TestStack.freePort();
    List<String> args = new ArrayList<>(List.of(
        "--server.port=" + port,
        "--server.address=127.0.0.1",
        "--spring.kafka.bootstrap-servers=" + bootstrapServers,
        "--linkway.kafka.registry-url=" + registryUrl,
        "--linkway.kafka.state-dir=" + stateDir,
        "--linkway.kafka.replication-factor=" + replicationFactor,
        "--linkway.kafka.min-insync-replicas=" + minInsyncReplicas,
        "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + TestStack.jwkSetUri(),
        "--linkway.sign-in.local-issuer=" + TestStack.issuerUrl(),
        // offers to commissioner QXT must be answered within seconds, so that expiry can be watched in a test
        "--linkway.offers.respond-within-for.QXT=PT4S",
        "--linkway.offers.check-deadlines-every=PT0.5S",
        // the local stack's profile (demo sign-in), with the keys every service of this JVM shares
        "--spring.profiles.active=" + Secrets.LOCAL_PROFILE));
    GP_SYSTEMS.practicesBySystem().forEach((system, practices) ->
        args.add("--" + GpSystems.SETTING + "." + system + "=" + String.join(",", practices)));
    TestStack.secretKeys().forEach((name, value) -> args.add("--" + name + "=" + value));
    if (instances > 1) {
      // as ./linkway up --instances N: each instance keeps a warm copy of another's state
      args.add("--linkway.kafka.standby-replicas=1");
      args.add("--linkway.kafka.instance=" + instance);
      args.add("--linkway.kafka.application-server=127.0.0.1:" + port);
    }
    args.addAll(serviceArgs.apply(service));
    return builder.run(args.toArray(String[]::new));
  }

  private static void awaitHealthy(ConfigurableApplicationContext context) {
    WebTestClient http = client(context);
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
        http.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk());
  }

  /**
   * A client whose requests carry the token of whoever owns what they address ({@link OwnerTokens}). Each
   * request on a connection of its own, as in AccessIT: a request now and then went unanswered for 30 s on
   * a pooled connection after earlier calls (once in AccessIT, once in EndedOfferIT), never on a new one. The
   * cause was the server's, which left a kept-alive connection unread ({@code KeepAliveReads} mends it); the
   * live-stream clients ({@link #streams}) and the services' own tests reuse connections, as real clients do.
   */
  private static WebTestClient client(ConfigurableApplicationContext context) {
    return WebTestClient.bindToServer(new org.springframework.http.client.reactive.ReactorClientHttpConnector(
            reactor.netty.http.client.HttpClient.newConnection()))
        .baseUrl(baseUrl(context)).filter(OwnerTokens.filter())
        .responseTimeout(Duration.ofSeconds(30)).build();
  }

  /** Where a service (referral-service, provider-service, outcome-service) listens, for a test that sends its own tokens. */
  String baseUrl(String service) {
    return baseUrl(contextOf(service));
  }

  /**
   * Whether the first instance of {@code service} holds {@code key} in its global table of {@code topic}: the global
   * tables commit no offsets, so this is how a test sees that one has read a record.
   */
  boolean globalTableHolds(String service, Topic<?> topic, String key) {
    KafkaStreams streams = contextOf(service).getBean(StreamsBuilderFactoryBean.class).getKafkaStreams();
    if (streams == null || streams.state() != KafkaStreams.State.RUNNING) return false;
    ReadOnlyKeyValueStore<String, Object> store = streams.store(StoreQueryParameters.fromNameAndType(
        GlobalTables.storeOf(topic), QueryableStoreTypes.keyValueStore()));
    return store.get(key) != null;
  }

  private ConfigurableApplicationContext contextOf(String service) {
    return switch (service) {
      case "referral-service" -> referralService;
      case "provider-service" -> providerService;
      case "outcome-service" -> outcomeService;
      default -> throw new IllegalArgumentException("no service " + service);
    };
  }

  private static String baseUrl(ConfigurableApplicationContext context) {
    return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
  }
}
