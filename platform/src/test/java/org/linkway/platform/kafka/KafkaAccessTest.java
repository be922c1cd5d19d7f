package org.linkway.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/** The stack's set-up creates the topics: no principal may create one but a service its own Kafka Streams internals. */
class KafkaAccessTest {

  @Test
  void givenEveryPrincipal_whenGranted_thenNoneMayCreateAPlatformTopic_butEachServiceItsStreamsInternals() {
    var acls = KafkaAccess.bindings(new GpSystems(Map.of("gp-a", Set.of("D82044"))), new Commissioners(Map.of("icb-qmm", "QMM")));

    assertThat(acls).filteredOn(b -> b.pattern().resourceType() == ResourceType.TOPIC)
        .filteredOn(b -> b.entry().operation() == AclOperation.CREATE || b.entry().operation() == AclOperation.ALL)
        .allSatisfy(b -> {
          assertThat(b.pattern().patternType()).isEqualTo(PatternType.PREFIXED);
          assertThat(b.pattern().name()).isEqualTo(b.entry().principal().substring("User:".length()) + "-");
        })
        .extracting(b -> b.entry().principal())
        .containsExactlyInAnyOrder("User:referral-service", "User:provider-service", "User:outcome-service");
    // what a service checks at start it may still describe
    assertThat(acls).anySatisfy(b -> {
      assertThat(b.entry().principal()).isEqualTo("User:referral-service");
      assertThat(b.pattern().name()).isEqualTo("referral-requests.gp-a-dlt");
      assertThat(b.entry().operation()).isEqualTo(AclOperation.DESCRIBE);
    });
  }

  @Test
  void givenThePlaceTopics_whenGranted_thenReferralServiceAloneReadsAndWritesThem() {
    var acls = KafkaAccess.bindings(new GpSystems(Map.of("gp-a", Set.of("D82044"))), new Commissioners(Map.of("icb-qmm", "QMM")));

    for (Topic<?> topic : List.of(Topics.PLACE_REQUESTS, Topics.PLACE_DECISIONS, Topics.SERVICE_LOAD)) {
      assertThat(acls).as(topic.name())
          .filteredOn(b -> b.pattern().resourceType() == ResourceType.TOPIC && b.pattern().name().equals(topic.name()))
          .filteredOn(b -> b.entry().operation() == AclOperation.READ || b.entry().operation() == AclOperation.WRITE)
          .extracting(b -> b.entry().principal() + " " + b.entry().operation())
          .containsExactlyInAnyOrder("User:referral-service READ", "User:referral-service WRITE");
    }
  }
}
