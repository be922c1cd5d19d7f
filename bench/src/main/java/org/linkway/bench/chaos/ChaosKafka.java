package org.linkway.bench.chaos;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * Every Kafka setting of the chaos harness, in one place: the broker's address, how the harness's
 * own reader logs in, what each service is given to log in with, and how access is granted.
 *
 * <p>Two brokers are supported, told apart by what the {@code KafkaLauncher} leaves in its data
 * directory: a plaintext one (nothing to log in with), and one that authenticates every client
 * (it makes {@code admin.password} on its first start). With the latter the harness does what
 * {@code ./linkway up} does: a password per principal in {@code credentials/<principal>.password},
 * their SCRAM credentials and ACLs granted by {@code org.linkway.platform.kafka.KafkaAccess} (run from a
 * service's jar, as the administrator), each service logging in as itself through
 * {@code SPRING_APPLICATION_JSON} (off the command line), and the harness's reader as the
 * administrator, which may read every topic.
 */
final class ChaosKafka {

  static final List<String> SERVICES = List.of("referral-service", "provider-service", "outcome-service");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String bootstrap;
  private final Path kafkaDir;

  ChaosKafka(String bootstrap, Path kafkaDir) {
    this.bootstrap = bootstrap;
    this.kafkaDir = kafkaDir;
  }

  String bootstrap() {
    return bootstrap;
  }

  /** Whether the broker authenticates its clients; known once it has started. */
  boolean secured() {
    return Files.exists(kafkaDir.resolve("admin.password"));
  }

  /** Settings of the harness's own clients (the topic reader). */
  Map<String, Object> harnessClient() {
    Map<String, Object> config = new HashMap<>();
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    if (secured()) {
      config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
      config.put("sasl.mechanism", "PLAIN");
      config.put("sasl.jaas.config", jaas("org.apache.kafka.common.security.plain.PlainLoginModule", "admin",
          read(kafkaDir.resolve("admin.password"))));
    }
    return config;
  }

  /** A service's command-line arguments about Kafka. */
  List<String> serviceArguments() {
    return List.of("--spring.kafka.bootstrap-servers=" + bootstrap);
  }

  /** A service's environment about Kafka: its own login, when the broker wants one. */
  Map<String, String> serviceEnvironment(String service) {
    if (!secured()) return Map.of();
    Map<String, String> login = new LinkedHashMap<>();
    login.put("spring.kafka.security.protocol", "SASL_PLAINTEXT");
    login.put("spring.kafka.properties.sasl.mechanism", "SCRAM-SHA-256");
    login.put("spring.kafka.properties.sasl.jaas.config",
        jaas("org.apache.kafka.common.security.scram.ScramLoginModule", service, password(service)));
    try {
      return Map.of("SPRING_APPLICATION_JSON", JSON.writeValueAsString(login));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The command that grants every principal its credential and ACLs (idempotent), or none when
   * the broker does not authenticate; each principal's password is made first.
   */
  List<String> grantCommand(String java, Path serviceJar, Path gpSystemsFile) {
    if (!secured()) return List.of();
    SERVICES.forEach(this::password);
    try {
      org.linkway.platform.kafka.GpSystems.from(gpSystemsFile).names().forEach(this::password);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.of(java, "-cp", serviceJar.toString(), "-Dloader.main=org.linkway.platform.kafka.KafkaAccess",
        "org.springframework.boot.loader.launch.PropertiesLauncher", bootstrap, kafkaDir.toString(), gpSystemsFile.toString());
  }

  private static String jaas(String loginModule, String user, String password) {
    return loginModule + " required username=\"" + user + "\" password=\"" + password + "\";";
  }

  /** The principal's password, made (readable by the owner only, as ./linkway up makes it) on first use. */
  private String password(String principal) {
    try {
      return org.linkway.stack.KafkaCredentials.passwordOf(kafkaDir, principal);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
