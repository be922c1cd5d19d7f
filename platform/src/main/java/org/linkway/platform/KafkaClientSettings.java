package org.linkway.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Kafka client settings of an outside party's principal on the local stack, for an integrator to
 * try with any Kafka client: {@code KafkaClientSettings <bootstrap> <registry ccompat url> <kafka-dir>
 * <gp-systems.properties> gp --ods <practice>} prints, as properties, the settings of the GP system
 * that may refer for that practice, and on a line {@code topic=<name>} the topic it writes its
 * requests to ({@code rejections.topic=<name>}: where it reads why one was refused).
 */
public final class KafkaClientSettings {

  private KafkaClientSettings() {}

  /** The settings of a principal, in the order a person reads them. */
  static Map<String, String> of(String bootstrap, String registry, String principal, String password) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("bootstrap.servers", bootstrap);
    settings.put("security.protocol", "SASL_PLAINTEXT");
    settings.put("sasl.mechanism", "SCRAM-SHA-256");
    settings.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + principal + "\" password=\"" + password + "\";");
    settings.put("schema.registry.url", registry);
    return settings;
  }

  /** What the GP system serving a practice needs, or an error naming why there is none. */
  static Map<String, String> forPractice(String bootstrap, String registry, Path kafkaDir, GpSystems systems, String practice)
      throws IOException {
    String system = systems.systemFor(practice).orElseThrow(() -> new IllegalArgumentException(
        "no GP system refers for practice " + practice + " (" + GpSystems.SETTING + ".<system> lists each system's practices)"));
    Path password = kafkaDir.resolve("credentials").resolve(system + ".password");
    if (!Files.exists(password)) {
      throw new IllegalArgumentException("no password for " + system + " yet: start the stack (./linkway up) first");
    }
    Map<String, String> settings = of(bootstrap, registry, system, Files.readString(password).trim());
    settings.put("topic", Topics.referralRequests(system).name());
    settings.put("rejections.topic", Topics.referralRejections(system).name());
    return settings;
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 7 || !args[4].equals("gp") || !args[5].equals("--ods")) {
      System.err.println("usage: KafkaClientSettings <bootstrap> <registry-url> <kafka-dir> <gp-systems.properties> gp --ods <practice>");
      System.exit(2);
    }
    try {
      forPractice(args[0], args[1], Path.of(args[2]), GpSystems.from(Path.of(args[3])), args[6])
          .forEach((name, value) -> System.out.println(name + "=" + value));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
  }
}
