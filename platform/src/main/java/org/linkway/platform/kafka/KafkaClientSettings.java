package org.linkway.platform.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kafka client settings of an outside party's principal on the local stack, for an integrator to
 * try with any Kafka client: {@code KafkaClientSettings <bootstrap> <registry ccompat url> <kafka-dir>
 * <gp-systems.properties> <commissioners.properties> gp --ods <practice>} prints, as properties, the
 * settings of the GP system that may refer for that practice, and on a line {@code topic=<name>} the
 * topic it writes its requests to ({@code rejections.topic=<name>}: where it reads why one was
 * refused); {@code … commissioner --ods <ICB>} the settings of that commissioner's principal, the
 * topic of its outcomes ({@code topic=}) and of its ledger entries ({@code ledger.topic=}).
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
    Map<String, String> settings = of(bootstrap, registry, system, password(kafkaDir, system));
    settings.put("topic", Topics.referralRequests(system).name());
    settings.put("rejections.topic", Topics.referralRejections(system).name());
    return settings;
  }

  /**
   * What a commissioner's principal needs to read its own outcomes and ledger entries, or an error naming
   * why there is none. The records are written in transactions, so a reader takes committed ones only.
   */
  static Map<String, String> forCommissioner(String bootstrap, String registry, Path kafkaDir, Commissioners commissioners,
      String ods) throws IOException {
    String principal = commissioners.principalFor(ods).orElseThrow(() -> new IllegalArgumentException(
        "no commissioner principal reads the topics of " + ods + " (" + Commissioners.SETTING + ".<principal>=<ODS> names each)"));
    Map<String, String> settings = of(bootstrap, registry, principal, password(kafkaDir, principal));
    settings.put("group.id", principal + ".outcomes");
    settings.put("isolation.level", "read_committed");
    settings.put("auto.offset.reset", "earliest");
    settings.put("topic", Topics.commissionerOutcomes(ods).name());
    settings.put("ledger.topic", Topics.commissionerLedger(ods).name());
    return settings;
  }

  private static String password(Path kafkaDir, String principal) throws IOException {
    Path password = kafkaDir.resolve("credentials").resolve(principal + ".password");
    if (!Files.exists(password)) {
      throw new IllegalArgumentException("no password for " + principal + " yet: start the stack (./linkway up) first");
    }
    return Files.readString(password).trim();
  }

  static final String USAGE = "usage: KafkaClientSettings <bootstrap> <registry-url> <kafka-dir> <gp-systems.properties> "
      + "<commissioners.properties> (gp --ods <practice> | commissioner --ods <ICB>)";

  /** The settings the arguments ask for. */
  static Map<String, String> forArguments(String... args) throws IOException {
    if (args.length != 8 || !args[6].equals("--ods") || !List.of("gp", "commissioner").contains(args[5])) {
      throw new IllegalArgumentException(USAGE);
    }
    return args[5].equals("gp")
        ? forPractice(args[0], args[1], Path.of(args[2]), GpSystems.from(Path.of(args[3])), args[7])
        : forCommissioner(args[0], args[1], Path.of(args[2]), Commissioners.from(Path.of(args[4])), args[7]);
  }

  public static void main(String[] args) throws IOException {
    try {
      forArguments(args).forEach((name, value) -> System.out.println(name + "=" + value));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(USAGE.equals(e.getMessage()) ? 2 : 1);
    }
  }
}
