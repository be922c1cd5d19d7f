package org.linkway.platform.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.linkway.platform.kafka.TopicSetup;
import org.linkway.platform.kafka.Topics;
import org.linkway.stack.LocalIssuer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * One real Kafka broker (embedded KRaft) and one schema registry process per test JVM, started on
 * first use on loopback, free ports, and stopped when the JVM exits; the platform's topics are set up
 * on the broker as the stack's set-up does. A test of a replicated cluster starts one of its own
 * ({@link #cluster}).
 */
public final class TestStack {

  private static EmbeddedKafkaKraftBroker broker;
  private static RegistryProcess registry;
  private static LocalIssuer issuer;
  private static com.sun.net.httpserver.HttpServer issuerServer;
  private static final java.util.List<Runnable> beforeShutdown = new java.util.concurrent.CopyOnWriteArrayList<>();

  static {
    // one hook, in order: what runs on the broker first, then the broker, then the registry
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      for (Runnable task : beforeShutdown) {
        try {
          task.run();
        } catch (RuntimeException e) {
          // shutting down anyway
        }
      }
      if (issuerServer != null) issuerServer.stop(0);
      if (broker != null) broker.destroy();
      if (registry != null) registry.stop();
    }, "test-stack-shutdown"));
  }

  /** Runs a task (closing applications that use the broker) before the broker stops at JVM exit. */
  public static void beforeShutdown(Runnable task) {
    beforeShutdown.add(task);
  }

  private TestStack() {}

  private static Admin admin;

  /** An admin client of the shared broker, made on first use and closed before the broker stops. */
  public static synchronized Admin admin() {
    if (admin == null) {
      admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
      beforeShutdown(admin::close);
    }
    return admin;
  }

  /** The shared broker, started on first use, with the platform's topics set up as the stack's set-up does. */
  public static synchronized String bootstrapServers() {
    if (broker == null) broker = newBroker();
    return broker.getBrokersAsString();
  }

  /**
   * A broker of its own, started, with the platform's topics set up, for a test whose services must not meet this
   * JVM's others; the caller destroys it.
   */
  public static EmbeddedKafkaKraftBroker newBroker() {
    return newBroker(Map.of());
  }

  /** {@link #newBroker()}, with broker settings of the test's own ({@code log.cleaner.backoff.ms}, …) beside the stack's. */
  public static EmbeddedKafkaKraftBroker newBroker(Map<String, String> settings) {
    EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 3);
    Map<String, String> properties = new java.util.HashMap<>(brokerProperties(1, 1));
    properties.putAll(settings);
    kafka.brokerProperties(properties);
    kafka.afterPropertiesSet();
    setUpPlatformTopics(kafka.getBrokersAsString());
    return kafka;
  }

  /**
   * A cluster of its own for a test: {@code brokers} brokers and one KRaft controller, on which the transaction
   * log and the consumer offsets have {@link #clusterReplicationFactor} replicas, and {@code min.insync.replicas}
   * is {@link #clusterMinInsyncReplicas} (3 and 2 from three brokers). Other topics have one replica unless their
   * creator says otherwise, as on a broker left at its defaults. No topic is set up: the test runs
   * {@link TopicSetup}. The test closes it.
   *
   * <p>One controller, not three: three combined KRaft nodes ({@code new EmbeddedKafkaKraftBroker(3, …)}, seen with
   * Kafka 4.1.2's test kit) lose their controller within seconds of starting, the followers' raft threads failing on an
   * {@code UpdateRaftVoter} answered {@code INVALID_REQUEST}; the brokers, which hold the replicas, are three.
   */
  public static KafkaClusterTestKit cluster(int brokers) {
    try {
      KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
          .setCombined(false).setNumControllerNodes(1).setNumBrokerNodes(brokers).build());
      brokerProperties(clusterReplicationFactor(brokers), clusterMinInsyncReplicas(brokers)).forEach(builder::setConfigProp);
      KafkaClusterTestKit cluster = builder.build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return cluster;
    } catch (Exception e) {
      throw new IllegalStateException("could not start a cluster of " + brokers + " brokers", e);
    }
  }

  /** The replicas of each topic on a cluster of so many brokers: 3, or all of them on a smaller one. */
  public static int clusterReplicationFactor(int brokers) {
    return Math.min(3, brokers);
  }

  /** The replicas that must have a write before it is acknowledged: 2 of 3, so that one node can be lost. */
  public static int clusterMinInsyncReplicas(int brokers) {
    return Math.max(1, clusterReplicationFactor(brokers) - 1);
  }

  private static Map<String, String> brokerProperties(int replicationFactor, int minInsyncReplicas) {
    return Map.of(
        "group.initial.rebalance.delay.ms", "0",
        "min.insync.replicas", String.valueOf(minInsyncReplicas),
        "transaction.state.log.replication.factor", String.valueOf(replicationFactor),
        "transaction.state.log.min.isr", String.valueOf(minInsyncReplicas),
        "offsets.topic.replication.factor", String.valueOf(replicationFactor),
        "auto.create.topics.enable", "false");
  }

  /** Sets the platform's topics up on a test broker, as the stack's set-up does on the local stack. */
  private static void setUpPlatformTopics(String bootstrapServers) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      TopicSetup.setUp(admin, Topics.all(), 1, 1);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not set the topics up on the test broker", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A loopback port free now, for a server whose port must be known before it starts. */
  public static int freePort() {
    return RegistryProcess.freePort();
  }

  public static synchronized RegistryProcess registry() {
    if (registry == null) {
      registry = RegistryProcess.start();
    }
    return registry;
  }

  /** The token issuer the services trust in tests: a fresh key, its JWKS served on a free loopback port. */
  public static synchronized LocalIssuer issuer() {
    if (issuer == null) {
      try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        int port = socket.getLocalPort();
        socket.close();
        LocalIssuer created = LocalIssuer.ephemeral("http://127.0.0.1:" + port);
        issuerServer = created.serve("127.0.0.1", port);
        issuer = created;
      } catch (IOException e) {
        throw new IllegalStateException("could not serve the test token issuer", e);
      }
    }
    return issuer;
  }

  /** Where the services fetch the test issuer's keys. */
  public static String jwkSetUri() {
    return issuerUrl() + LocalIssuer.JWKS_PATH;
  }

  /** Where the test issuer listens (the pages' demo sign-in asks it for tokens). */
  public static String issuerUrl() {
    issuer();
    return "http://127.0.0.1:" + issuerServer.getAddress().getPort();
  }

  private static final String IDENTITY_KEY = randomKey();
  private static final String PSEUDONYM_KEY = randomKey();

  private static String randomKey() {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    return java.util.Base64.getEncoder().encodeToString(key);
  }

  /**
   * The secret keys every service of this test JVM shares (linkway.identity-key, linkway.pseudonym-key):
   * random, made once, as {@code ./linkway up} makes them once per .linkway/.
   */
  public static Map<String, String> secretKeys() {
    return Map.of("linkway.identity-key", IDENTITY_KEY, "linkway.pseudonym-key", PSEUDONYM_KEY);
  }

  /** Points a Spring Boot test at the shared broker and registry, with its own state directory and the JVM's keys. */
  public static void register(DynamicPropertyRegistry properties) {
    register(properties, bootstrapServers());
  }

  /** {@link #register(DynamicPropertyRegistry)}, on a broker of the test's own ({@link #newBroker}). */
  public static void register(DynamicPropertyRegistry properties, String servers) {
    String registryUrl = registry().apiUrl();
    String stateDir;
    try {
      stateDir = Files.createTempDirectory("linkway-streams").toString();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    properties.add("spring.kafka.bootstrap-servers", () -> servers);
    properties.add("linkway.kafka.registry-url", () -> registryUrl);
    properties.add("linkway.kafka.state-dir", () -> stateDir);
    String jwks = jwkSetUri();
    properties.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", () -> jwks);
    String issuerUrl = issuerUrl();
    properties.add("linkway.sign-in.local-issuer", () -> issuerUrl);
    secretKeys().forEach((name, value) -> properties.add(name, () -> value));
  }
}
