package org.linkway.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

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
}
