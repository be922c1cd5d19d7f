package org.linkway.referral.lifecycle.stream;

import java.nio.file.Path;
import java.util.Optional;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TopologyTestDriver;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.referral.lifecycle.domain.ReferralLifecycle;
import org.linkway.referral.places.PlaceTopology;
import org.linkway.platform.testing.ReferenceTables;

/**
 * The referral lifecycle and the place deciders as {@link ReferralTopology} wires them, on {@link TopologyTestDriver},
 * with empty directory, contracts and budgets (no service, so each referral ends unplaced).
 */
final class EmptyDirectoryTopology {

  private EmptyDirectoryTopology() {}

  static TopologyTestDriver driver(Path stateDir, String applicationId) {
    AvroSerdes serdes = SelfDescribingAvro.serdes();
    StreamsBuilder builder = new StreamsBuilder();
    ReferralTopology topology = new ReferralTopology();
    PlaceTopology.places(builder, serdes, serviceId -> Optional.empty());
    topology.referralLifecycle(builder, serdes, ReferenceTables.empty(),
        topology.fundingRoom(ReferenceTables.empty(), ReferenceTables.empty(), ReferenceTables.empty()),
        ReferralLifecycle.Settings.defaults());
    return SelfDescribingAvro.driver(builder, applicationId, stateDir);
  }
}
