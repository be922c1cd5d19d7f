package org.linkway.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.linkway.events.ReferralEvent;
import org.linkway.platform.testing.TestStack;

/** The stack's set-up creates each topic once; a service checks that its topics are there and refuses to start without them. */
class TopicSetupTest {

  private static final Admin admin = TestStack.admin();

  /** A topic of this test alone, named afresh. */
  private static Topic<ReferralEvent> aNewTopic(boolean compacted) {
    return new Topic<>("setup-test-" + UUID.randomUUID(), ReferralEvent.class, 2, Topics.REFERRAL_SERVICE, compacted);
  }

  @Test
  void givenNoTopic_whenSetUp_thenEachAndItsTwinAreCreatedWithTheReplicationAndTheirSettings() throws Exception {
    Topic<ReferralEvent> table = aNewTopic(true);

    TopicSetup.Report report = TopicSetup.setUp(admin, List.of(table), 1, 1);

    assertThat(report.created()).containsExactly(table.name(), table.deadLetterName());
    assertThat(report.found()).isEmpty();
    assertThat(admin.describeTopics(List.of(table.name())).allTopicNames().get().get(table.name()).partitions()).hasSize(2);
    Config config = config(table.name());
    assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
    assertThat(config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).source())
        .isEqualTo(org.apache.kafka.clients.admin.ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
    assertThat(config(table.deadLetterName()).get(TopicConfig.RETENTION_MS_CONFIG).value())
        .isEqualTo(String.valueOf(Topics.DEAD_LETTER_RETENTION.toMillis()));
  }

  @Test
  void givenTopicsThere_whenSetUpAgain_thenNothingIsCreatedAndWhatDiffersIsSaidAndLeftAlone() throws Exception {
    Topic<ReferralEvent> log = aNewTopic(false);
    TopicSetup.setUp(admin, List.of(log), 1, 1);

    TopicSetup.Report same = TopicSetup.setUp(admin, List.of(log), 1, 1);
    TopicSetup.Report moreInSync = TopicSetup.setUp(admin, List.of(log), 1, 2);

    assertThat(same.created()).isEmpty();
    assertThat(same.found()).containsExactly(log.name(), log.deadLetterName());
    assertThat(same.differences()).isEmpty();
    assertThat(moreInSync.created()).isEmpty();
    assertThat(moreInSync.differences()).containsExactly(
        log.name() + ": min.insync.replicas=1, the set-up's 2", log.deadLetterName() + ": min.insync.replicas=1, the set-up's 2");
    assertThat(config(log.name()).get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value()).isEqualTo("1");
  }

  @Test
  void givenAServicesChangelogMadeBeforeTheCleaningSettings_whenSetUp_thenItIsGivenThemAndOthersAreLeftAlone() throws Exception {
    String changelog = Topics.REFERRAL_SERVICE + "-setup-test-" + UUID.randomUUID() + "-changelog";
    String notAServices = "setup-test-" + UUID.randomUUID() + "-changelog";
    admin.createTopics(List.of(
        new NewTopic(changelog, 2, (short) 1).configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
        new NewTopic(notAServices, 1, (short) 1))).all().get();
    // the brokers learn of a topic, and of a setting, from the controller a moment after it is taken
    await().atMost(Duration.ofSeconds(10))
        .until(() -> admin.listTopics().names().get().containsAll(List.of(changelog, notAServices)));

    TopicSetup.Report first = TopicSetup.setUp(admin, List.of(), 1, 1);

    assertThat(first.settingsSet()).anyMatch(line -> line.startsWith(changelog + " "))
        .noneMatch(line -> line.startsWith(notAServices));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Config set = config(changelog);
      Topics.CHANGELOG_CLEANUP.forEach((name, value) -> assertThat(set.get(name).value()).isEqualTo(value));
    });
    assertThat(TopicSetup.setUp(admin, List.of(), 1, 1).settingsSet()).as("set once")
        .noneMatch(line -> line.startsWith(changelog + " "));
    assertThat(config(changelog).get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
    assertThat(config(notAServices).get(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG).source())
        .isEqualTo(org.apache.kafka.clients.admin.ConfigEntry.ConfigSource.DEFAULT_CONFIG);
  }

  @Test
  void givenTheHistoryTopics_whenMadeOrFoundThere_thenTheyAreKeptUntilDeleted_andNothingElseIs() {
    assertThat(TopicSetup.newTopics(Topics.all(), 1, 1)).allSatisfy(topic -> assertThat(
        topic.configs().get(TopicConfig.RETENTION_MS_CONFIG)).as(topic.name()).isEqualTo(
            Topics.HISTORY.stream().anyMatch(history -> history.name().equals(topic.name())) ? "-1"
                : topic.configs().get(TopicConfig.RETENTION_MS_CONFIG)))
        .filteredOn(topic -> "-1".equals(topic.configs().get(TopicConfig.RETENTION_MS_CONFIG)))
        .extracting(NewTopic::name).containsExactlyInAnyOrderElementsOf(Topics.HISTORY.stream().map(Topic::name).toList());
    assertThat(TopicSetup.settingsKept(Set.of(Topics.REFERRALS.name(), Topics.FUNDING_LEDGER.name(),
        Topics.REFERRAL_COMMANDS.name(), Topics.REFERRALS.deadLetterName())))
        .containsOnlyKeys(Topics.REFERRALS.name(), Topics.FUNDING_LEDGER.name())
        .allSatisfy((name, settings) -> assertThat(settings).containsExactly(Map.entry(TopicConfig.RETENTION_MS_CONFIG, "-1")));
  }

  @Test
  void givenATopicWithAWeeksRetentionAndASettingTheBrokerRefuses_whenTheSettingsAreKept_thenTheOneIsSetAndTheOtherReported()
      throws Exception {
    String history = "setup-test-" + UUID.randomUUID();
    String refused = "setup-test-" + UUID.randomUUID();
    admin.createTopics(List.of(new NewTopic(history, 1, (short) 1)
            .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofDays(7).toMillis()))),
        new NewTopic(refused, 1, (short) 1))).all().get();
    await().atMost(Duration.ofSeconds(10)).until(() -> admin.listTopics().names().get().containsAll(List.of(history, refused)));
    List<String> failures = new java.util.ArrayList<>();

    List<String> set = TopicSetup.keepSet(admin, Map.of(
        history, Map.of(TopicConfig.RETENTION_MS_CONFIG, Topics.HISTORY_RETENTION_MS),
        refused, Map.of(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "2.5")), failures);

    assertThat(set).containsExactly(history + " [retention.ms=-1]");
    assertThat(failures).singleElement().asString().startsWith(refused + " [min.cleanable.dirty.ratio=2.5]: could not be set: ");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(config(history).get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo("-1"));
    assertThat(TopicSetup.keepSet(admin, Map.of(history, Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1")), failures))
        .as("set once").isEmpty();
  }

  @Test
  void givenTheStacksSettings_whenItsTopicsAreListed_thenThePlatformsAndEachGpSystemsAndCommissionersPairAreThere() {
    List<Topic<?>> topics = TopicSetup.topics(new GpSystems(Map.of("gp-a", Set.of("D82044"))),
        new Commissioners(Map.of("icb-qmm", "QMM")));

    assertThat(topics).containsAll(Topics.all()).containsAll(Topics.of("gp-a")).containsAll(Topics.ofCommissioner("QMM"))
        .hasSize(Topics.all().size() + 4);
    assertThat(TopicSetup.names(List.of(Topics.REFERRALS))).containsExactly("referrals", "referrals-dlt");
  }

  @Test
  void givenAServicesTopicsAllThere_whenChecked_thenItStarts() throws Exception {
    new TopicCheck(Map.of(), Topics.REFERRAL_SERVICE, Topics.all(), 1).check(admin);
  }

  @Test
  void givenAServicesTopicMissing_whenChecked_thenItRefusesToStartNamingItAndItsTwinAndHowToCreateThem() {
    Topic<ReferralEvent> missing = aNewTopic(false);

    TopicCheck check = new TopicCheck(Map.of(), Topics.REFERRAL_SERVICE, List.of(Topics.REFERRALS, missing), 1);

    assertThatThrownBy(() -> check.check(admin)).isInstanceOf(TopicCheck.MissingTopics.class)
        .hasMessageStartingWith("referral-service cannot start: 2 of its topics are not on the broker: "
            + missing.name() + ", " + missing.deadLetterName() + ".")
        .hasMessageContaining("-Dloader.main=org.linkway.platform.kafka.TopicSetup")
        .hasMessageNotContaining("referrals,");
  }

  private static Config config(String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
  }
}
