package org.linkway.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The settings that make an instance one of several: each has its own member id and state, on the cluster's replication. */
class LinkwayKafkaPropertiesTest {

  private static LinkwayKafkaProperties bound(Map<String, String> settings) {
    return new Binder(new MapConfigurationPropertySource(settings))
        .bindOrCreate("linkway.kafka", LinkwayKafkaProperties.class);
  }

  @Test
  void givenNoSetting_whenBound_thenItIsTheFirstInstanceOnOneBrokerWithNoStandby() {
    LinkwayKafkaProperties linkway = bound(Map.of());

    assertThat(linkway.instanceId("referral-service")).isEqualTo("referral-service-1");
    assertThat(linkway.stateDir("referral-service"))
        .isEqualTo(System.getProperty("java.io.tmpdir") + "/linkway-streams/referral-service-1");
    assertThat(KafkaPlatformConfiguration.instanceSettings(linkway, "referral-service"))
        .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1)
        .containsEntry(StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG), "1")
        .containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 0)
        .doesNotContainKey(StreamsConfig.APPLICATION_SERVER_CONFIG);
  }

  @Test
  void givenAnyInstance_whenBound_thenItsChangelogsAreMadeToBeCleanedWithinADayAndTheRepartitionTopicsKeepTheirRoll() {
    Map<String, Object> settings = KafkaPlatformConfiguration.instanceSettings(bound(Map.of()), "referral-service");

    assertThat(settings)
        .containsEntry(StreamsConfig.topicPrefix(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG), "86400000")
        .containsEntry(StreamsConfig.topicPrefix(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG), "0.2")
        // a topic. setting reaches every internal topic: these two act on the compacted ones (the changelogs) alone
        .doesNotContainKey(StreamsConfig.topicPrefix(TopicConfig.SEGMENT_MS_CONFIG))
        .doesNotContainKey(StreamsConfig.topicPrefix(TopicConfig.DELETE_RETENTION_MS_CONFIG));
  }

  @Test
  void givenTwoInstancesOfAService_whenBound_thenTheirMemberIdsAndStateDirectoriesDiffer() {
    LinkwayKafkaProperties first = bound(Map.of("linkway.kafka.instance", "1"));
    LinkwayKafkaProperties second = bound(Map.of("linkway.kafka.instance", "2"));

    Map<String, Object> one = KafkaPlatformConfiguration.instanceSettings(first, "provider-service");
    Map<String, Object> two = KafkaPlatformConfiguration.instanceSettings(second, "provider-service");

    String memberId = StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    assertThat(one.get(memberId)).isEqualTo("provider-service-1");
    assertThat(two.get(memberId)).isEqualTo("provider-service-2");
    assertThat(two.get(StreamsConfig.STATE_DIR_CONFIG)).isNotEqualTo(one.get(StreamsConfig.STATE_DIR_CONFIG))
        .asString().endsWith("/linkway-streams/provider-service-2");
  }

  @Test
  void givenAReplicatedClusterWithStandbys_whenBound_thenStreamsReplicatesItsTopicsAndLeavesACrashedInstanceIn10s() {
    LinkwayKafkaProperties linkway = bound(Map.of("linkway.kafka.instance", "3", "linkway.kafka.replication-factor", "3",
        "linkway.kafka.min-insync-replicas", "2", "linkway.kafka.standby-replicas", "1",
        "linkway.kafka.application-server", "127.0.0.1:8281", "linkway.kafka.state-dir", "/var/lib/linkway/state-3"));

    assertThat(KafkaPlatformConfiguration.instanceSettings(linkway, "referral-service"))
        .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, 3)
        .containsEntry(StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG), "2")
        .containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1)
        .containsEntry(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:8281")
        .containsEntry(StreamsConfig.STATE_DIR_CONFIG, "/var/lib/linkway/state-3")
        .containsEntry(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), "referral-service-3")
        .containsEntry(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000)
        .containsEntry(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 3_000)
        .containsEntry(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, 1_000L)
        .containsEntry(StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG, 60_000L);
  }

  @Test
  void givenAnInstanceIdSet_whenBound_thenItNamesTheMemberAndItsDefaultStateDirectory() {
    LinkwayKafkaProperties linkway = bound(Map.of("linkway.kafka.instance-id", "referral-a"));

    assertThat(linkway.instanceId("referral-service")).isEqualTo("referral-a");
    assertThat(linkway.stateDir("referral-service")).endsWith("/linkway-streams/referral-a");
  }

  @Test
  void givenMoreReplicasInSyncThanThereAre_orInstanceZero_whenBound_thenRefused() {
    assertThatThrownBy(() -> bound(Map.of("linkway.kafka.min-insync-replicas", "2")))
        .isInstanceOf(BindException.class).rootCause()
        .hasMessageContaining("linkway.kafka.min-insync-replicas 2 with linkway.kafka.replication-factor 1");
    assertThatThrownBy(() -> bound(Map.of("linkway.kafka.instance", "0")))
        .isInstanceOf(BindException.class).rootCause().hasMessageContaining("instances count from 1");
  }

  @Test
  void givenTheToolsSettings_whenMade_thenTheClusterSettingsAreTheirDefaults() {
    LinkwayKafkaProperties linkway = new LinkwayKafkaProperties("http://registry", null, null, null, 0, null);

    assertThat(linkway.instance()).isEqualTo(1);
    assertThat(linkway.replicationFactor()).isEqualTo(1);
    assertThat(linkway.minInsyncReplicas()).isEqualTo(1);
    assertThat(linkway.standbyReplicas()).isZero();
    assertThat(linkway.registryUrl()).isEqualTo("http://registry");
  }
}
