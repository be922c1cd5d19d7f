package org.linkway.referral;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.linkway.platform.kafka.GpSystems;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.testing.TopologyReads;
import org.linkway.referral.lifecycle.stream.ReferralFeed;

/**
 * {@code KafkaAccess.READS} of referral-service is what its topologies read (global tables included); the practices' live
 * streams tail the changelog of its own practices' lists.
 */
class TopicsReadTest {

  @Test
  void givenReferralServicesTopologies_whenTheirSourcesAreListed_thenKafkaAccessLetsItReadExactlyThose() {
    TopologyReads.assertKafkaAccessReads(ReferralServiceApplication.class, Topics.REFERRAL_SERVICE,
        Map.of(GpSystems.class, new GpSystems(Map.of("gp-emis", Set.of("A81001")))), Topics.REFERRAL_REPLIES,
        ReferralFeed.TOPIC);
  }
}
