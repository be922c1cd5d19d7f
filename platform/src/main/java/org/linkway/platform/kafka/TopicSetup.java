package org.linkway.platform.kafka;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.linkway.replies.CommandReply;
import org.springframework.kafka.config.TopicBuilder;

/**
 * The stack's topics, created once by its set-up before any service starts, never by whichever service
 * starts first: every topic of {@link Topics}, each GP system's pair and each commissioner's pair, each
 * with its {@code -dlt} twin, all with the stack's replication factor and {@code min.insync.replicas}
 * (3 and 2 on a cluster of three brokers or more). A service only checks that its topics are there
 * ({@link TopicCheck}). Running it again changes nothing: a topic already there is left as it is, and
 * what differs from what the set-up would create (partitions, replicas, a setting) is reported, for an
 * operator to change by hand (more replicas need a partition reassignment). Two settings are set on topics
 * already there ({@link #settingsKept}): the services' changelogs' cleaning ({@link Topics#CHANGELOG_CLEANUP}),
 * which Kafka Streams sets only on a changelog it makes, and the history topics' retention ({@link Topics#HISTORY}).
 *
 * <p>{@code TopicSetup <bootstrap-servers> [--kafka-dir=<dir>] [--gp-systems=<file>] [--commissioners=<file>]
 * [--replication-factor=<n>] [--min-insync-replicas=<n>]} sets the topics up; with a {@code --kafka-dir}
 * holding {@code admin.password} (the local stack's) it logs in as the administrator. {@code ./linkway up}
 * runs it right after granting the ACLs ({@link KafkaAccess}), docker-compose as its {@code topics-init}.
 */
public final class TopicSetup {

  /** How long the set-up waits for the broker to answer each of its requests. */
  private static final long TIMEOUT_SECONDS = 60;

  private TopicSetup() {}

  /**
   * What a set-up did: the topics it created, what differs on those it found (a setting it could not set among them),
   * and the settings it set on topics already there ({@link #settingsKept}), one line a topic.
   */
  public record Report(List<String> created, List<String> found, List<String> differences, List<String> settingsSet) {

    /** One line: how many topics were created and found. */
    public String summary(int replicationFactor, int minInsyncReplicas) {
      return "created " + created.size() + " topics, " + found.size() + " already there (replication factor "
          + replicationFactor + ", min.insync.replicas " + minInsyncReplicas + ")";
    }
  }

  /** The services whose Kafka Streams changelogs ({@code <service>-<store>-changelog}) the set-up cleans as they make them. */
  static final List<String> SERVICES = List.of(Topics.REFERRAL_SERVICE, Topics.PROVIDER_SERVICE, Topics.OUTCOME_SERVICE);

  /** Every topic of a stack: the platform's, then each GP system's pair, then each commissioner's. */
  public static List<Topic<?>> topics(GpSystems gpSystems, Commissioners commissioners) {
    List<Topic<?>> all = new ArrayList<>(Topics.all());
    gpSystems.names().forEach(system -> all.addAll(Topics.of(system)));
    commissioners.codes().stream().sorted().forEach(ods -> all.addAll(Topics.ofCommissioner(ods)));
    return all;
  }

  /** The names of the topics and of their {@code -dlt} twins. */
  public static List<String> names(Collection<Topic<?>> topics) {
    return topics.stream().flatMap(topic -> List.of(topic.name(), topic.deadLetterName()).stream()).toList();
  }

  /**
   * The topics and their {@code -dlt} twins as the set-up creates them: dead letters kept a week (person-keys' an
   * hour), GP systems' requests a week, commands' replies an hour, person-keys cleaned soon after a tombstone.
   */
  public static List<NewTopic> newTopics(Collection<Topic<?>> topics, int replicationFactor, int minInsyncReplicas) {
    List<NewTopic> created = new ArrayList<>();
    for (Topic<?> topic : topics) {
      TopicBuilder builder = replicated(topic.name(), topic.partitions(), replicationFactor, minInsyncReplicas);
      if (topic.compacted()) {
        builder.config(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
      }
      if (topic == Topics.PERSON_KEYS) {
        builder.configs(Topics.PERSON_KEYS_CLEANUP);
      }
      if (topic.name().startsWith(Topics.REFERRAL_REQUESTS_PREFIX)) {
        builder.config(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Topics.REQUESTS_RETENTION.toMillis()));
      }
      if (Topics.HISTORY.contains(topic)) {
        builder.config(TopicConfig.RETENTION_MS_CONFIG, Topics.HISTORY_RETENTION_MS);
      }
      if (topic.valueType() == CommandReply.class) {
        builder.config(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Topics.REPLIES_RETENTION.toMillis()));
      }
      created.add(builder.build());
      java.time.Duration deadLetters = topic == Topics.PERSON_KEYS
          ? Topics.PERSON_KEYS_DEAD_LETTER_RETENTION : Topics.DEAD_LETTER_RETENTION;
      created.add(replicated(topic.deadLetterName(), topic.partitions(), replicationFactor, minInsyncReplicas)
          .config(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(deadLetters.toMillis())).build());
    }
    return created;
  }

  private static TopicBuilder replicated(String name, int partitions, int replicationFactor, int minInsyncReplicas) {
    return TopicBuilder.name(name).partitions(partitions).replicas(replicationFactor)
        .config(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(minInsyncReplicas));
  }

  /** Creates each of the topics (and twins) that is missing; says what differs on the others. */
  public static Report setUp(Admin admin, Collection<Topic<?>> topics, int replicationFactor, int minInsyncReplicas)
      throws ExecutionException, InterruptedException, TimeoutException {
    List<NewTopic> wanted = newTopics(topics, replicationFactor, minInsyncReplicas);
    Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
    List<String> created = new ArrayList<>();
    List<String> found = new ArrayList<>(wanted.stream().map(NewTopic::name).filter(existing::contains).toList());
    Map<String, KafkaFuture<Void>> creations = admin.createTopics(missing).values();
    for (NewTopic topic : missing) {
      try {
        creations.get(topic.name()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        created.add(topic.name());
      } catch (ExecutionException e) {
        // another set-up made it meanwhile: it is there, to be compared like the others
        if (!(e.getCause() instanceof TopicExistsException)) throw e;
        found.add(topic.name());
      }
    }
    awaitDescribed(admin, created);
    List<NewTopic> compared = wanted.stream().filter(t -> found.contains(t.name())).toList();
    List<String> failures = new ArrayList<>();
    List<String> set = keepSet(admin, settingsKept(existing), failures);
    List<String> differences = new ArrayList<>(differences(admin, compared));
    differences.addAll(failures);
    return new Report(created, found, differences, set);
  }

  /**
   * The settings the set-up keeps on topics already there ({@code existing}): {@link Topics#CHANGELOG_CLEANUP} on each
   * of the services' changelogs, and {@link Topics#HISTORY_RETENTION_MS} on the {@link Topics#HISTORY} topics. Kafka
   * Streams gives a changelog its settings when it makes it, never after, so the changelogs of a stack that ran before
   * the settings would keep every ended referral's records for weeks; and a history topic made before its retention
   * would lose, after the broker's 7 days, the only record of what was archived. Neither is part of what a log holds,
   * and the broker takes a new setting at once, so the set-up sets them rather than only saying so.
   */
  static Map<String, Map<String, String>> settingsKept(Set<String> existing) {
    Map<String, Map<String, String>> kept = new java.util.TreeMap<>();
    existing.stream()
        .filter(name -> name.endsWith("-changelog") && SERVICES.stream().anyMatch(service -> name.startsWith(service + "-")))
        .forEach(name -> kept.put(name, Topics.CHANGELOG_CLEANUP));
    Topics.HISTORY.stream().map(Topic::name).filter(existing::contains)
        .forEach(name -> kept.put(name, Map.of(TopicConfig.RETENTION_MS_CONFIG, Topics.HISTORY_RETENTION_MS)));
    return kept;
  }

  /**
   * Sets each of {@code kept}'s settings that differs on its topic, each topic on its own: one the broker refuses (a
   * setting it does not allow there, no right to change it) is added to {@code failures} and the others are still
   * set. What was set, one line a topic.
   */
  static List<String> keepSet(Admin admin, Map<String, Map<String, String>> kept, List<String> failures)
      throws ExecutionException, InterruptedException, TimeoutException {
    if (kept.isEmpty()) return List.of();
    Map<ConfigResource, Config> configs = admin.describeConfigs(kept.keySet().stream()
        .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList()).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    Map<ConfigResource, Collection<AlterConfigOp>> changes = new java.util.LinkedHashMap<>();
    kept.forEach((name, settings) -> {
      ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, name);
      Config config = configs.get(topic);
      List<AlterConfigOp> set = new java.util.TreeMap<>(settings).entrySet().stream()
          .filter(setting -> config.get(setting.getKey()) == null
              || !setting.getValue().equals(config.get(setting.getKey()).value()))
          .map(setting -> new AlterConfigOp(new ConfigEntry(setting.getKey(), setting.getValue()), AlterConfigOp.OpType.SET))
          .toList();
      if (!set.isEmpty()) changes.put(topic, set);
    });
    List<String> done = new ArrayList<>();
    for (Map.Entry<ConfigResource, KafkaFuture<Void>> change : admin.incrementalAlterConfigs(changes).values().entrySet()) {
      String line = change.getKey().name() + " " + changes.get(change.getKey()).stream()
          .map(op -> op.configEntry().name() + "=" + op.configEntry().value()).toList();
      try {
        change.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        done.add(line);
      } catch (ExecutionException e) {
        failures.add(line + ": could not be set: " + e.getCause().getMessage());
      }
    }
    return done;
  }

  /**
   * Returns once the broker describes each of the topics: a topic is created when the controller has it, and
   * known to the brokers a moment later; a service started right after the set-up finds its topics.
   */
  private static void awaitDescribed(Admin admin, List<String> names)
      throws ExecutionException, InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    List<String> unknown = names;
    while (!unknown.isEmpty()) {
      List<String> described = new ArrayList<>();
      for (Map.Entry<String, KafkaFuture<TopicDescription>> topic : admin.describeTopics(unknown).topicNameValues().entrySet()) {
        try {
          topic.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
          described.add(topic.getKey());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) throw e;
        }
      }
      unknown = unknown.stream().filter(name -> !described.contains(name)).toList();
      if (unknown.isEmpty()) return;
      if (System.nanoTime() > deadline) throw new TimeoutException("the broker does not know topics just created: " + unknown);
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  /** Where each topic on the broker differs from what the set-up would create. */
  private static List<String> differences(Admin admin, List<NewTopic> wanted)
      throws ExecutionException, InterruptedException, TimeoutException {
    if (wanted.isEmpty()) return List.of();
    List<String> names = wanted.stream().map(NewTopic::name).toList();
    Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames()
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    Map<ConfigResource, Config> configs = admin.describeConfigs(names.stream()
        .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList()).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    List<String> differences = new ArrayList<>();
    for (NewTopic topic : wanted) {
      TopicDescription description = descriptions.get(topic.name());
      int partitions = description.partitions().size();
      if (partitions != topic.numPartitions()) {
        differences.add(topic.name() + ": " + partitions + " partitions, the set-up's " + topic.numPartitions());
      }
      int replicas = replicas(description);
      if (replicas != topic.replicationFactor()) {
        differences.add(topic.name() + ": " + replicas + " replicas, the set-up's " + topic.replicationFactor()
            + " (a partition reassignment changes it)");
      }
      Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
      topic.configs().forEach((name, value) -> {
        ConfigEntry entry = config.get(name);
        String actual = entry == null ? null : entry.value();
        if (!value.equals(actual)) {
          differences.add(topic.name() + ": " + name + "=" + actual + ", the set-up's " + value);
        }
      });
    }
    return differences;
  }

  /** The replicas of a topic: of its partition that has fewest. */
  static int replicas(TopicDescription topic) {
    return topic.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
  }

  static final String USAGE = "usage: TopicSetup <bootstrap-servers> [--kafka-dir=<dir>] [--gp-systems=<file>] "
      + "[--commissioners=<file>] [--replication-factor=<n>] [--min-insync-replicas=<n>]";

  public static void main(String[] args) throws Exception {
    int status = run(args, System.out, System.err);
    if (status != 0) System.exit(status);
  }

  /** Sets the topics up as the arguments say; returns the exit status: 0 done, 1 failed, 2 a wrong argument. */
  public static int run(String[] args, PrintStream out, PrintStream err) throws IOException, InterruptedException, TimeoutException {
    if (args.length == 0 || args[0].startsWith("--")) {
      err.println(USAGE);
      return 2;
    }
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    GpSystems gpSystems = new GpSystems(Map.of());
    Commissioners commissioners = Commissioners.NONE;
    int replicationFactor = 1;
    int minInsyncReplicas = 1;
    for (String arg : List.of(args).subList(1, args.length)) {
      String value = arg.substring(arg.indexOf('=') + 1);
      switch (arg.substring(0, Math.max(0, arg.indexOf('=')))) {
        case "--kafka-dir" -> {
          if (Files.exists(Path.of(value, KafkaAccess.ADMIN_PASSWORD))) config = KafkaAccess.administrator(args[0], Path.of(value));
        }
        case "--gp-systems" -> gpSystems = GpSystems.from(Path.of(value));
        case "--commissioners" -> commissioners = Commissioners.from(Path.of(value));
        case "--replication-factor" -> replicationFactor = Integer.parseInt(value);
        case "--min-insync-replicas" -> minInsyncReplicas = Integer.parseInt(value);
        default -> {
          err.println("unknown argument " + arg + "\n" + USAGE);
          return 2;
        }
      }
    }
    Report report;
    try (Admin admin = Admin.create(config)) {
      report = setUp(admin, topics(gpSystems, commissioners), replicationFactor, minInsyncReplicas);
    } catch (ExecutionException e) {
      err.println("could not set the topics up: " + e.getCause().getMessage());
      return 1;
    }
    report.differences().forEach(difference -> out.println("differs: " + difference));
    report.settingsSet().forEach(line -> out.println("set: " + line));
    out.println(report.summary(replicationFactor, minInsyncReplicas));
    return 0;
  }
}
