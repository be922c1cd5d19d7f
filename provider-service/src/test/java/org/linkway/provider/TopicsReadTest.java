package org.linkway.provider;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.testing.TopologyReads;
import org.linkway.provider.offers.stream.OfferFeed;

/**
 * {@code KafkaAccess.READS} of provider-service is what its topologies read (global tables included); the providers' live
 * streams tail the changelog of its own providers' lists.
 */
class TopicsReadTest {

  @Test
  void givenProviderServicesTopologies_whenTheirSourcesAreListed_thenKafkaAccessLetsItReadExactlyThose() {
    TopologyReads.assertKafkaAccessReads(ProviderServiceApplication.class, Topics.PROVIDER_SERVICE, Map.of(),
        Topics.PROVIDER_REPLIES, OfferFeed.TOPIC);
  }
}
