package org.linkway.referral.lifecycle.stream;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TopologyTestDriver;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.streams.RetentionSettings;
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
    return driver(stateDir, applicationId, RetentionSettings.defaults(), Clock.systemUTC());
  }

  /**
   * The same, keeping what ended as {@code retention} says, its events occurring on {@code clock} and the driver's
   * wall clock starting at {@code clock}'s time (advance both together).
   */
  static TopologyTestDriver driver(Path stateDir, String applicationId, RetentionSettings retention, Clock clock) {
    return driver(stateDir, applicationId, retention, clock, java.util.Map.of());
  }

  /** The same, with {@code settings} added to the streams configuration. */
  static TopologyTestDriver driver(Path stateDir, String applicationId, java.util.Map<String, ?> settings) {
    return driver(stateDir, applicationId, RetentionSettings.defaults(), Clock.systemUTC(), settings);
  }

  private static TopologyTestDriver driver(Path stateDir, String applicationId, RetentionSettings retention, Clock clock,
      java.util.Map<String, ?> settings) {
    AvroSerdes serdes = SelfDescribingAvro.serdes();
    StreamsBuilder builder = new StreamsBuilder();
    ReferralTopology topology = new ReferralTopology();
    PlaceTopology.places(builder, serdes, serviceId -> Optional.empty());
    ReferralTopology.lifecycleOn(builder, serdes, ReferenceTables.empty(),
        topology.fundingRoom(ReferenceTables.empty(), ReferenceTables.empty(), ReferenceTables.empty()),
        ReferralLifecycle.Settings.defaults(), retention, clock);
    return SelfDescribingAvro.driver(builder, applicationId, stateDir, clock.instant(), settings);
  }
}
