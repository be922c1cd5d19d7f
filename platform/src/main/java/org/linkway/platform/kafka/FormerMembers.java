package org.linkway.platform.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.streams.KafkaStreams;
import org.springframework.kafka.config.KafkaStreamsCustomizer;

/**
 * Before an instance's Kafka Streams client joins its group: the members this instance was before a
 * crash are removed from the group (the Admin API's removal of static members, KIP-345).
 *
 * <p>They are still in the group only when the instance died without leaving it (SIGKILL, a lost machine)
 * less than a session ago. Left there, the restarted instance would take its active tasks back without a
 * rebalance, under the same static member ids; and under exactly_once_v2 a crashed instance's stores are
 * wiped and restored from their changelogs, so its partitions would be served by nobody until that restore
 * ends (minutes, with a long changelog). Removed, the group rebalances at once: Streams' assignor gives each
 * task to the instance whose standby is caught up, and the restarted instance warms up and takes tasks
 * back later, when it has caught up (the probing rebalance). After a clean stop the members have already
 * left (the client leaves its group on close), and there is nothing to remove.
 */
final class FormerMembers implements KafkaStreamsCustomizer {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FormerMembers.class);
  private static final long TIMEOUT_SECONDS = 30;

  private final Map<String, Object> adminConfig;
  private final String groupId;
  private final String instanceId;

  /**
   * @param groupId the Streams application id
   * @param instanceId this instance's static member id; Streams gives each stream thread's consumer
   *     {@code instanceId-<thread index>}
   */
  FormerMembers(Map<String, Object> adminConfig, String groupId, String instanceId) {
    this.adminConfig = Map.copyOf(adminConfig);
    this.groupId = groupId;
    this.instanceId = instanceId;
  }

  @Override
  public void customize(KafkaStreams streams) {
    try (Admin admin = Admin.create(adminConfig)) {
      List<String> former = remove(admin);
      if (!former.isEmpty()) {
        log.info("removed {} from group {}: this instance's members before it stopped without leaving", former, groupId);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      // the group's own session timeout removes them instead, a few seconds later
      log.warn("could not remove this instance's former members from group {}: {}", groupId, e.toString());
    }
  }

  /** Removes this instance's members from the group, returning their static ids (none when it has none). */
  List<String> remove(Admin admin) throws InterruptedException, ExecutionException, TimeoutException {
    ConsumerGroupDescription group;
    try {
      group = admin.describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId)
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) return List.of();
      throw e;
    }
    List<String> former = group.members().stream()
        .map(MemberDescription::groupInstanceId)
        .flatMap(java.util.Optional::stream)
        .filter(id -> id.startsWith(instanceId + "-") && id.substring(instanceId.length() + 1).chars().allMatch(Character::isDigit))
        .sorted()
        .toList();
    if (former.isEmpty()) return former;
    try {
      admin.removeMembersFromConsumerGroup(groupId, new RemoveMembersFromConsumerGroupOptions(
          former.stream().map(MemberToRemove::new).toList())).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      // gone meanwhile: its session ended between the description and the removal
      if (!(e.getCause() instanceof UnknownMemberIdException)) throw e;
    }
    return former;
  }
}
