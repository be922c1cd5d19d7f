package org.linkway.platform.kafka;

import java.io.IOException;
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
 * those it reads), reads only those and the topics its topologies read (so its {@code <service>-replies},
 * the answers to its commands, are read by no one else), and owns its own Kafka Streams
 * internals (topics, group and transactional ids prefixed with its name). Each GP system (see
 * {@link GpSystems}) may write its own {@code referral-requests.<system>} and read its own
 * {@code referral-rejections.<system>}, and nothing else; referral-service reads every system's
 * requests and writes every system's rejections. Each commissioner's principal (see {@link Commissioners})
 * may read its own {@code commissioner-outcomes.<ODS>} and {@code funding-ledger.<ODS>} with consumer groups
 * named {@code <principal>.…}, and nothing else; outcome-service writes them. No service may create a topic
 * but its Kafka Streams internals: the stack's set-up creates them, as the administrator ({@link TopicSetup}),
 * and a service may only describe them.
 *
 * <p>{@code KafkaAccess <bootstrap> <kafka-dir> <gp-systems.properties> [<commissioners.properties>]} grants them
 * on the local stack, as the administrator (password in {@code <kafka-dir>/admin.password}), giving each principal
 * a SCRAM-SHA-256 credential with the password in {@code <kafka-dir>/credentials/<principal>.password}.
 */
public final class KafkaAccess {

  /**
   * The topics each service's topologies read, owned or not: they may be read, and their dead-letter twins written.
   * Each service's {@code TopicsReadTest} checks that this is exactly what its topologies read (sources and global
   * stores' sources, read off {@code topology.describe()}), and that the topics it tails
   * outside Kafka Streams (its replies, its live streams) are its own or listed here.
   */
  static final Map<String, List<Topic<?>>> READS = Map.of(
      Topics.REFERRAL_SERVICE, List.of(Topics.REFERRALS, Topics.PROVIDER_EVENTS,
          Topics.REFERRAL_COMMANDS, Topics.PROVIDER_DIRECTORY, Topics.FUNDING_CONTRACTS, Topics.COMMISSIONER_BUDGETS,
          Topics.BUDGET_USE, Topics.PLACE_REQUESTS, Topics.PLACE_DECISIONS, Topics.SERVICE_LOAD, Topics.PERSON_KEYS,
          Topics.PERSON_ERASURES),
      Topics.PROVIDER_SERVICE, List.of(Topics.REFERRALS, Topics.PROVIDER_COMMANDS, Topics.BUDGET_DECISIONS,
          Topics.PROVIDER_DIRECTORY, Topics.DIRECTORY_COMMANDS, Topics.PERSON_KEYS),
      Topics.OUTCOME_SERVICE, List.of(Topics.REFERRALS, Topics.PROVIDER_EVENTS, Topics.FUNDING_LEDGER,
          Topics.BUDGET_REQUESTS, Topics.COMMISSIONER_BUDGETS, Topics.FUNDING_CONTRACTS, Topics.CONTRACT_COMMANDS,
          Topics.BUDGET_USE));

  /** The topics a service reads through Kafka Streams ({@link #READS}). */
  public static List<Topic<?>> reads(String service) {
    return READS.get(service);
  }

  public static final List<String> SERVICES = List.of(Topics.REFERRAL_SERVICE, Topics.PROVIDER_SERVICE, Topics.OUTCOME_SERVICE);

  /** The file of the local stack's broker directory that holds the administrator's password. */
  static final String ADMIN_PASSWORD = "admin.password";

  private KafkaAccess() {}

  /** Every ACL of every principal, with no commissioner reading over Kafka. */
  public static List<AclBinding> bindings(GpSystems gpSystems) {
    return bindings(gpSystems, Commissioners.NONE);
  }

  /** Every ACL of every principal. */
  public static List<AclBinding> bindings(GpSystems gpSystems, Commissioners commissioners) {
    List<AclBinding> acls = new ArrayList<>();
    for (String service : SERVICES) {
      String user = "User:" + service;
      for (Topic<?> topic : Topics.all()) {
        for (String name : List.of(topic.name(), topic.deadLetterName())) {
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
    String intake = "User:" + Topics.REFERRAL_SERVICE;
    for (String system : gpSystems.names()) {
      Topic<?> requests = Topics.referralRequests(system);
      Topic<?> rejections = Topics.referralRejections(system);
      String gp = "User:" + system;
      acls.add(allow(gp, ResourceType.TOPIC, requests.name(), PatternType.LITERAL, AclOperation.WRITE));
      acls.add(allow(gp, ResourceType.TOPIC, requests.name(), PatternType.LITERAL, AclOperation.DESCRIBE));
      acls.add(allow(gp, ResourceType.TOPIC, rejections.name(), PatternType.LITERAL, AclOperation.READ));
      acls.add(allow(gp, ResourceType.TOPIC, rejections.name(), PatternType.LITERAL, AclOperation.DESCRIBE));
      // its consumer groups are named "<system>." and anything: no prefix of one system's is another's
      acls.add(allow(gp, ResourceType.GROUP, system + ".", PatternType.PREFIXED, AclOperation.READ));
      acls.add(allow(gp, ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, AclOperation.IDEMPOTENT_WRITE));
      // the intake: reads the requests, writes the rejections and both dead-letter twins
      for (Topic<?> topic : List.of(requests, rejections)) {
        for (String name : List.of(topic.name(), topic.deadLetterName())) {
          acls.add(allow(intake, ResourceType.TOPIC, name, PatternType.LITERAL, AclOperation.DESCRIBE));
          acls.add(allow(intake, ResourceType.TOPIC, name, PatternType.LITERAL, AclOperation.DESCRIBE_CONFIGS));
        }
      }
      acls.add(allow(intake, ResourceType.TOPIC, requests.name(), PatternType.LITERAL, AclOperation.READ));
      acls.add(allow(intake, ResourceType.TOPIC, requests.deadLetterName(), PatternType.LITERAL, AclOperation.WRITE));
      acls.add(allow(intake, ResourceType.TOPIC, rejections.name(), PatternType.LITERAL, AclOperation.WRITE));
      acls.add(allow(intake, ResourceType.TOPIC, rejections.name(), PatternType.LITERAL, AclOperation.READ));
    }
    String writer = "User:" + Topics.OUTCOME_SERVICE;
    commissioners.odsByPrincipal().forEach((principal, ods) -> {
      String icb = "User:" + principal;
      for (Topic<?> topic : Topics.ofCommissioner(ods)) {
        acls.add(allow(icb, ResourceType.TOPIC, topic.name(), PatternType.LITERAL, AclOperation.READ));
        acls.add(allow(icb, ResourceType.TOPIC, topic.name(), PatternType.LITERAL, AclOperation.DESCRIBE));
        for (String name : List.of(topic.name(), topic.deadLetterName())) {
          acls.add(allow(writer, ResourceType.TOPIC, name, PatternType.LITERAL, AclOperation.DESCRIBE));
          acls.add(allow(writer, ResourceType.TOPIC, name, PatternType.LITERAL, AclOperation.DESCRIBE_CONFIGS));
        }
        acls.add(allow(writer, ResourceType.TOPIC, topic.name(), PatternType.LITERAL, AclOperation.WRITE));
      }
      // its consumer groups are named "<principal>." and anything: no prefix of one principal's is another's
      acls.add(allow(icb, ResourceType.GROUP, principal + ".", PatternType.PREFIXED, AclOperation.READ));
    });
    return acls;
  }

  /** Gives each principal its SCRAM credential and every ACL, with no commissioner reading over Kafka. */
  public static void grant(Admin admin, Map<String, String> passwords, GpSystems gpSystems)
      throws ExecutionException, InterruptedException {
    grant(admin, passwords, gpSystems, Commissioners.NONE);
  }

  /** Gives each principal its SCRAM credential and every ACL; both are idempotent. */
  public static void grant(Admin admin, Map<String, String> passwords, GpSystems gpSystems, Commissioners commissioners)
      throws ExecutionException, InterruptedException {
    List<org.apache.kafka.clients.admin.UserScramCredentialAlteration> credentials = new ArrayList<>();
    passwords.forEach((principal, password) -> credentials.add(new UserScramCredentialUpsertion(principal,
        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192), password)));
    admin.alterUserScramCredentials(credentials).all().get();
    admin.createAcls(bindings(gpSystems, commissioners)).all().get();
  }

  private static AclBinding allow(String principal, ResourceType type, String name, PatternType pattern, AclOperation operation) {
    return new AclBinding(new ResourcePattern(type, name, pattern),
        new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
  }

  /** The settings of the local stack's administrator (SASL/PLAIN, the password in {@code <kafka-dir>/admin.password}). */
  static Properties administrator(String bootstrap, Path kafkaDir) throws IOException {
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put("security.protocol", "SASL_PLAINTEXT");
    config.put("sasl.mechanism", "PLAIN");
    config.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" "
        + "password=\"" + Files.readString(kafkaDir.resolve(ADMIN_PASSWORD)).trim() + "\";");
    return config;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 3 && args.length != 4) {
      System.err.println("usage: KafkaAccess <bootstrap-servers> <kafka-dir> <gp-systems.properties> [<commissioners.properties>]");
      System.exit(2);
    }
    Path kafkaDir = Path.of(args[1]);
    GpSystems gpSystems = GpSystems.from(Path.of(args[2]));
    Commissioners commissioners = args.length == 4 ? Commissioners.from(Path.of(args[3])) : Commissioners.NONE;
    Properties config = administrator(args[0], kafkaDir);
    Map<String, String> passwords = new LinkedHashMap<>();
    List<String> principals = new ArrayList<>(SERVICES);
    principals.addAll(gpSystems.names());
    principals.addAll(commissioners.names());
    for (String principal : principals) {
      Path file = kafkaDir.resolve("credentials").resolve(principal + ".password");
      if (!Files.exists(file)) throw new IllegalStateException("no password for " + principal + " in " + file);
      passwords.put(principal, Files.readString(file).trim());
    }
    try (Admin admin = Admin.create(config)) {
      grant(admin, passwords, gpSystems, commissioners);
    }
    System.out.println("granted " + bindings(gpSystems, commissioners).size() + " ACLs to " + passwords.keySet());
  }
}
