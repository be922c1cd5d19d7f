package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.linkway.outcome.OutcomeServiceApplication;
import org.linkway.platform.kafka.Commissioners;
import org.linkway.platform.kafka.TopicCheck;
import org.linkway.platform.kafka.TopicSetup;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.testing.TestStack;
import org.linkway.provider.ProviderServiceApplication;
import org.linkway.referral.ReferralServiceApplication;

/**
 * The platform on a cluster of three brokers, set up as a replicated deployment is: every topic of the
 * platform, every Kafka Streams internal topic of the services and the transaction log have three replicas,
 * two of which must have a write before it is acknowledged, so that losing one broker loses nothing and stops
 * nothing. The set-up creates the topics, once; a service started before it refuses to start.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTopicsIT {

  private static final int BROKERS = 3;
  private static final int REPLICAS = TestStack.clusterReplicationFactor(BROKERS);
  private static final int IN_SYNC = TestStack.clusterMinInsyncReplicas(BROKERS);

  private static KafkaClusterTestKit cluster;
  private static Admin admin;
  private static RunningPlatform platform;

  @BeforeAll
  static void aClusterOfThreeBrokers() {
    cluster = TestStack.cluster(BROKERS);
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
    platform = new RunningPlatform(cluster.bootstrapServers(), TestStack.registry().apiUrl()).replicated(REPLICAS, IN_SYNC);
  }

  @AfterAll
  static void stop() throws Exception {
    if (platform != null) platform.stop();
    if (admin != null) admin.close();
    if (cluster != null) cluster.close();
  }

  @Test
  @Order(1)
  void givenNoTopicSetUp_whenAServiceStarts_thenItRefusesNamingTheMissingTopicsAndTheSetUp() {
    assertThatThrownBy(() -> platform.start(ReferralServiceApplication.builder(), ReferralServiceApplication.NAME, 1).close())
        .rootCause().isInstanceOf(TopicCheck.MissingTopics.class)
        .hasMessageStartingWith("referral-service cannot start: ")
        .hasMessageContaining("referrals, referrals-dlt")
        .hasMessageContaining("referral-requests." + OwnerTokens.GP_SYSTEM)
        .hasMessageContaining(TopicSetup.class.getName());
  }

  @Test
  @Order(2)
  void givenTheTopicsSetUpForTheCluster_whenTheServicesRun_thenEveryTopicTheirInternalsAndTheTransactionLogHave3ReplicasAnd2InSync()
      throws Exception {
    // the set-up's command line, as docker compose runs it (no GP system): the platform's topics; the platform then
    // starts, its own set-up adding the GP systems' topics
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status = TopicSetup.run(new String[] {cluster.bootstrapServers(), "--replication-factor=" + REPLICAS,
        "--min-insync-replicas=" + IN_SYNC}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    platform.start();

    List<String> platformTopics = TopicSetup.names(TopicSetup.topics(RunningPlatform.GP_SYSTEMS, Commissioners.NONE));
    assertThat(status).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("created " + TopicSetup.names(Topics.all()).size()
        + " topics, 0 already there (replication factor 3, min.insync.replicas 2)\n");
    // each service's stream processor is running: its changelogs and repartition topics are made, and the
    // transaction log with its first transaction
    await().atMost(Duration.ofSeconds(60)).until(() -> topics().contains("__transaction_state"));
    List<String> internals = topics().stream().filter(name -> name.endsWith("-changelog") || name.endsWith("-repartition"))
        .toList();
    assertThat(topics()).containsAll(platformTopics);
    for (String service : List.of(ReferralServiceApplication.NAME, ProviderServiceApplication.NAME, OutcomeServiceApplication.NAME)) {
      assertThat(internals).as("changelogs of " + service).anyMatch(name -> name.startsWith(service + "-") && name.endsWith("-changelog"));
    }
    assertThat(internals).as("outcome-service's ledger by commissioner").anyMatch(name -> name.endsWith("-repartition"));

    List<String> replicated = new ArrayList<>(platformTopics);
    replicated.addAll(internals);
    Map<String, TopicDescription> descriptions = admin.describeTopics(replicated).allTopicNames().get(60, TimeUnit.SECONDS);
    assertThat(descriptions.values()).allSatisfy(topic -> assertThat(topic.partitions()).as(topic.name())
        .allSatisfy(partition -> assertThat(partition.replicas()).hasSize(REPLICAS)));
    Map<ConfigResource, Config> configs = admin.describeConfigs(replicated.stream()
        .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList()).all().get(60, TimeUnit.SECONDS);
    assertThat(configs).allSatisfy((resource, config) -> {
      ConfigEntry minInsync = config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
      assertThat(minInsync.value()).as(resource.name()).isEqualTo(String.valueOf(IN_SYNC));
      // the topic's own setting, not the cluster's default
      assertThat(minInsync.source()).as(resource.name()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
    });
    // the changelogs are cleaned within days of a delete (a restore reads what the stores keep); the repartition
    // topics, not compacted, roll as the broker's default says
    assertThat(configs).allSatisfy((resource, config) -> {
      if (resource.name().endsWith("-changelog")) {
        Topics.CHANGELOG_CLEANUP.forEach((name, value) -> assertThat(config.get(name).value())
            .as(resource.name() + " " + name).isEqualTo(value));
      } else if (resource.name().endsWith("-repartition")) {
        assertThat(config.get(TopicConfig.SEGMENT_MS_CONFIG).source()).as(resource.name())
            .isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
      }
    });
    assertThat(admin.describeTopics(List.of("__transaction_state", "__consumer_offsets")).allTopicNames()
        .get(60, TimeUnit.SECONDS).values()).allSatisfy(topic -> assertThat(topic.partitions()).as(topic.name())
            .allSatisfy(partition -> assertThat(partition.replicas()).hasSize(REPLICAS)));
  }

  private static Set<String> topics() throws Exception {
    return admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(60, TimeUnit.SECONDS);
  }
}
