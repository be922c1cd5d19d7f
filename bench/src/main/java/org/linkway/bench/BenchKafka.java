package org.linkway.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.linkway.stack.KafkaCredentials;

/**
 * How the benchmark logs in to the local stack's broker: as its administrator, the operator's
 * principal (password in {@code .linkway/kafka/admin.password}), for the raw Kafka tools and for
 * reading every topic back; the services keep their own principals and ACLs.
 */
final class BenchKafka {

  static final Path KAFKA_DIR = Path.of(".linkway", "kafka");

  private BenchKafka() {}

  /** Client settings with the administrator's login added to the given ones. */
  static Map<String, Object> withLogin(Map<String, Object> config) {
    Map<String, Object> all = new HashMap<>(config);
    try {
      all.putAll(KafkaCredentials.admin(KAFKA_DIR));
    } catch (IOException e) {
      throw new UncheckedIOException("no administrator password in " + KAFKA_DIR + ": is the stack up?", e);
    }
    return all;
  }

  /** Client settings with the demo GP system's login (it may write its referral-requests.gp-demo and nothing else of Linkway's). */
  static Map<String, Object> asGpSystem(Map<String, Object> config) {
    Map<String, Object> all = new HashMap<>(config);
    try {
      all.putAll(KafkaCredentials.principal(BenchPeople.GP_SYSTEM, KafkaCredentials.passwordOf(KAFKA_DIR, BenchPeople.GP_SYSTEM)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all;
  }

  /** The login as a properties file, for Kafka's own command-line tools; deleted on exit. */
  static Path loginFile() {
    try {
      Path file = Files.createTempFile("linkway-bench-kafka", ".properties");
      file.toFile().deleteOnExit();
      Properties p = new Properties();
      withLogin(Map.of()).forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
      try (Writer w = Files.newBufferedWriter(file)) {
        p.store(w, "the benchmark's Kafka login");
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
