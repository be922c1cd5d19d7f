package org.linkway.outcome;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linkway.platform.kafka.Commissioners;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.testing.TopologyReads;

/**
 * {@code KafkaAccess.READS} of outcome-service is what its topologies read (global tables included); the commissioners'
 * live streams tail its own ledger and outcomes.
 */
class TopicsReadTest {

  @Test
  void givenOutcomeServicesTopologies_whenTheirSourcesAreListed_thenKafkaAccessLetsItReadExactlyThose() {
    TopologyReads.assertKafkaAccessReads(OutcomeServiceApplication.class, Topics.OUTCOME_SERVICE,
        Map.of(Commissioners.class, new Commissioners(Map.of("icb-qpz", "QPZ"))), Topics.OUTCOME_REPLIES,
        Topics.FUNDING_LEDGER, Topics.COMMISSIONER_OUTCOMES);
  }
}
