package org.linkway.platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * What each service may do on the broker, as ACLs: the single-writer rule of {@link Topics}
 * enforced by Kafka itself. A service writes only the topics it owns (and the dead-letter twins of
 * those it reads), reads only the topics its topologies read, and owns its own Kafka Streams
 * internals (topics, group and transactional ids prefixed with its name). GP systems may write
 * {@code referral-requests} and read {@code referral-rejections}. Every service may create the
 * registry's topics (whichever starts first does), which lets it write none of them.
 *
 * <p>{@code KafkaAccess <bootstrap> <kafka-dir>} grants them on the local stack, as the
 * administrator (password in {@code <kafka-dir>/admin.password}), giving each principal a
 * SCRAM-SHA-256 credential with the password in {@code <kafka-dir>/credentials/<principal>.password}.
 */
public final class KafkaAccess {

  public static final String GP_SYSTEMS = "gp-systems";

  /** The topics each service's topologies and table views read. */
  static final Map<String, List<Topic<?>>> READS = Map.of(
      Topics.REFERRAL_SERVICE, List.of(Topics.REFERRAL_REQUESTS, Topics.REFERRALS, Topics.PROVIDER_EVENTS,
          Topics.REFERRAL_COMMANDS, Topics.PROVIDER_DIRECTORY, Topics.FUNDING_CONTRACTS, Topics.COMMISSIONER_BUDGETS,
          Topics.BUDGET_USE, Topics.PERSON_KEYS),
      Topics.PROVIDER_SERVICE, List.of(Topics.REFERRALS, Topics.PROVIDER_COMMANDS, Topics.BUDGET_DECISIONS,
          Topics.PROVIDER_DIRECTORY, Topics.DIRECTORY_COMMANDS, Topics.PERSON_KEYS),
      Topics.OUTCOME_SERVICE, List.of(Topics.REFERRALS, Topics.PROVIDER_EVENTS, Topics.FUNDING_LEDGER,
          Topics.BUDGET_REQUESTS, Topics.COMMISSIONER_BUDGETS, Topics.FUNDING_CONTRACTS, Topics.CONTRACT_COMMANDS));

  public static final List<String> SERVICES = List.of(Topics.REFERRAL_SERVICE, Topics.PROVIDER_SERVICE, Topics.OUTCOME_SERVICE);

  private KafkaAccess() {}

  /** Every ACL of every principal. */
  public static List<AclBinding> bindings() {
    List<AclBinding> acls = new ArrayList<>();
    for (String service : SERVICES) {
      String user = "User:" + service;
      for (Topic<?> topic : Topics.all()) {
        for (String name : List.of(topic.name(), topic.deadLetterName())) {
          acls.add(allow(user, ResourceType.TOPIC, name, PatternType.LITERAL, AclOperation.CREATE));
          acls.add(allow(user, ResourceType.TOPIC, name, PatternType.LITERAL, AclOperation.DESCRIBE));
          acls.add(allow(user, ResourceType.TOPIC, name, PatternType.LITERAL, AclOperation.DESCRIBE_CONFIGS));
        }
        boolean owns = service.equals(topic.writer());
        boolean reads = READS.get(service).contains(topic);
        if (owns) acls.add(allow(user, ResourceType.TOPIC, topic.name(), PatternType.LITERAL, AclOperation.WRITE));
        if (owns || reads) acls.add(allow(user, ResourceType.TOPIC, topic.name(), PatternType.LITERAL, AclOperation.READ));
        if (reads) acls.add(allow(user, ResourceType.TOPIC, topic.deadLetterName(), PatternType.LITERAL, AclOperation.WRITE));
      }
      // Kafka Streams: its changelog and repartition topics, its consumer group, its transactions
      acls.add(allow(user, ResourceType.TOPIC, service + "-", PatternType.PREFIXED, AclOperation.ALL));
      acls.add(allow(user, ResourceType.GROUP, service, PatternType.PREFIXED, AclOperation.ALL));
      acls.add(allow(user, ResourceType.TRANSACTIONAL_ID, service, PatternType.PREFIXED, AclOperation.ALL));
      acls.add(allow(user, ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, AclOperation.IDEMPOTENT_WRITE));
    }
    String gp = "User:" + GP_SYSTEMS;
    acls.add(allow(gp, ResourceType.TOPIC, Topics.REFERRAL_REQUESTS.name(), PatternType.LITERAL, AclOperation.WRITE));
    acls.add(allow(gp, ResourceType.TOPIC, Topics.REFERRAL_REQUESTS.name(), PatternType.LITERAL, AclOperation.DESCRIBE));
    acls.add(allow(gp, ResourceType.TOPIC, Topics.REFERRAL_REJECTIONS.name(), PatternType.LITERAL, AclOperation.READ));
    acls.add(allow(gp, ResourceType.TOPIC, Topics.REFERRAL_REJECTIONS.name(), PatternType.LITERAL, AclOperation.DESCRIBE));
    acls.add(allow(gp, ResourceType.GROUP, GP_SYSTEMS, PatternType.PREFIXED, AclOperation.READ));
    return acls;
  }

  /** Gives each principal its SCRAM credential and every ACL; both are idempotent. */
  public static void grant(Admin admin, Map<String, String> passwords) throws ExecutionException, InterruptedException {
    List<org.apache.kafka.clients.admin.UserScramCredentialAlteration> credentials = new ArrayList<>();
    passwords.forEach((principal, password) -> credentials.add(new UserScramCredentialUpsertion(principal,
        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192), password)));
    admin.alterUserScramCredentials(credentials).all().get();
    admin.createAcls(bindings()).all().get();
  }

  private static AclBinding allow(String principal, ResourceType type, String name, PatternType pattern, AclOperation operation) {
    return new AclBinding(new ResourcePattern(type, name, pattern),
        new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: KafkaAccess <bootstrap-servers> <kafka-dir>");
      System.exit(2);
    }
    Path kafkaDir = Path.of(args[1]);
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    config.put("security.protocol", "SASL_PLAINTEXT");
    config.put("sasl.mechanism", "PLAIN");
    config.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" "
        + "password=\"" + Files.readString(kafkaDir.resolve("admin.password")).trim() + "\";");
    Map<String, String> passwords = new LinkedHashMap<>();
    List<String> principals = new ArrayList<>(SERVICES);
    principals.add(GP_SYSTEMS);
    for (String principal : principals) {
      Path file = kafkaDir.resolve("credentials").resolve(principal + ".password");
      if (!Files.exists(file)) throw new IllegalStateException("no password for " + principal + " in " + file);
      passwords.put(principal, Files.readString(file).trim());
    }
    try (Admin admin = Admin.create(config)) {
      grant(admin, passwords);
    }
    System.out.println("granted " + bindings().size() + " ACLs to " + passwords.keySet());
  }
}
