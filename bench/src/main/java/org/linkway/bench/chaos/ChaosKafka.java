package org.linkway.bench.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The chaos harness's own Kafka settings: the broker's address and how the harness's reader logs in.
 *
 * <p>Two brokers are supported, told apart by what the {@code KafkaLauncher} leaves in its data
 * directory: a plaintext one (nothing to log in with), and one that authenticates every client
 * (it makes {@code admin.password} on its first start). With the latter the harness's reader logs
 * in as the administrator, which may read every topic; the services log in as themselves, as
 * {@code org.linkway.stack.Launch} starts them.
 */
final class ChaosKafka {

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

  private static String jaas(String loginModule, String user, String password) {
    return loginModule + " required username=\"" + user + "\" password=\"" + password + "\";";
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
