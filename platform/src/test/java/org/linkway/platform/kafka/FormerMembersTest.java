package org.linkway.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.linkway.platform.testing.TestStack;

/**
 * A restarted instance removes the static members it left in its group when it died, and no other
 * instance's: a static member does not leave its group when it closes, so a closed consumer stands in
 * for an instance that was killed.
 */
class FormerMembersTest {

  private static final Admin admin = TestStack.admin();

  @Test
  void givenAnInstanceThatDiedInItsGroup_whenItStartsAgain_thenOnlyItsOwnFormerMembersAreRemoved() throws Exception {
    String group = "former-members-" + UUID.randomUUID();
    String topic = group + "-input";
    admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
    joinAndDie(group, topic, "svc-2-1", "svc-21-1");
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> staticMembers(group).size() == 2);

    List<String> removed = new FormerMembers(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        TestStack.bootstrapServers()), group, "svc-2").remove(admin);

    assertThat(removed).containsExactly("svc-2-1");
    assertThat(staticMembers(group)).containsExactly("svc-21-1");
    // started again after its members had gone: nothing to remove
    assertThat(new FormerMembers(Map.of(), group, "svc-2").remove(admin)).isEmpty();
  }

  @Test
  void givenAGroupNotYetThere_whenAnInstanceStarts_thenThereIsNothingToRemove() throws Exception {
    assertThat(new FormerMembers(Map.of(), "former-members-" + UUID.randomUUID(), "svc-1").remove(admin)).isEmpty();
  }

  /**
   * Static members join the group, each takes its partitions, and all close without leaving (as static
   * members do), as instances killed together would.
   */
  private static void joinAndDie(String group, String topic, String... memberIds) {
    List<KafkaConsumer<String, String>> consumers = java.util.Arrays.stream(memberIds).map(id -> {
      KafkaConsumer<String, String> consumer = new KafkaConsumer<String, String>(Map.of(
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.bootstrapServers(),
          ConsumerConfig.GROUP_ID_CONFIG, group,
          ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id,
          ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 60_000,
          ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
          ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
      consumer.subscribe(List.of(topic));
      return consumer;
    }).toList();
    try {
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
        consumers.forEach(c -> c.poll(Duration.ofMillis(100)));
        return consumers.stream().noneMatch(c -> c.assignment().isEmpty());
      });
    } finally {
      consumers.forEach(KafkaConsumer::close);
    }
  }

  private static List<String> staticMembers(String group) throws Exception {
    return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get().members().stream()
        .map(MemberDescription::groupInstanceId).flatMap(Optional::stream).sorted().toList();
  }
}
