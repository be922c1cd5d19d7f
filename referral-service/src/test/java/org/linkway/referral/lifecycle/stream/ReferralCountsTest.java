package org.linkway.referral.lifecycle.stream;

import static org.assertj.core.api.Assertions.assertThat;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.commands.ReferralCommand;
import org.linkway.commands.SubmitReferral;
import org.linkway.events.NeedCode;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.SealedPatient;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.Tally;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.referral.TestData;
import org.linkway.state.ReferralState;
import org.linkway.state.ReferralStatus;

/**
 * The counts of referrals by status that the gauges read ({@link ReferralStores#COUNTS}), kept by the lifecycle as
 * it changes each referral, are what counting the referral store gives: after referrals are decided, and once filled
 * from a store that held referrals before the counts existed. On {@link TopologyTestDriver}, with the topology as
 * {@link ReferralTopology} wires it (no service listed, so each referral ends unplaced).
 */
class ReferralCountsTest {

  @TempDir
  Path stateDir;

  private TopologyTestDriver driver;
  private TestInputTopic<String, SpecificRecord> commands;

  @BeforeEach
  void setUp() {
    driver = EmptyDirectoryTopology.driver(stateDir, "referral-service-counts-test");
    commands = SelfDescribingAvro.input(driver, Topics.REFERRAL_COMMANDS);
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  @Test
  void givenReferralsDecided_whenCounted_thenTheCountsAreThoseOfTheStore() {
    for (int i = 0; i < 7; i++) submit(UUID.randomUUID());

    assertThat(counts()).isEqualTo(countedInTheStore()).containsEntry("status|UNPLACED", List.of(BigDecimal.valueOf(7)));
  }

  @Test
  void givenAStoreHoldingReferralsBeforeItsCounts_whenTheTaskHasRunASecond_thenTheyAreCountedOnceAndKeptOnFromThere() {
    KeyValueStore<String, ReferralState> store = driver.getKeyValueStore(ReferralStores.STATE);
    for (ReferralStatus status : List.of(ReferralStatus.ACCEPTED, ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED)) {
      UUID id = UUID.randomUUID();
      store.put(id.toString(), ReferralState.newBuilder().setReferralId(id).setStatus(status)
          .setSubmission(TestData.referral(NeedCode.LONELINESS).build()).setHistory(List.of()).build());
    }
    assertThat(counts()).isEmpty();

    driver.advanceWallClockTime(Duration.ofSeconds(1));
    submit(UUID.randomUUID());
    driver.advanceWallClockTime(Duration.ofSeconds(1));

    assertThat(counts()).isEqualTo(countedInTheStore()).containsEntry("status|ACCEPTED", List.of(BigDecimal.valueOf(2)))
        .containsEntry("status|UNPLACED", List.of(BigDecimal.ONE));
  }

  private Map<String, List<BigDecimal>> counts() {
    KeyValueStore<String, String> sums = driver.getKeyValueStore(ReferralStores.COUNTS.store());
    return Tally.of(sums, ReferralStores.ALL);
  }

  private Map<String, List<BigDecimal>> countedInTheStore() {
    Map<String, List<BigDecimal>> counted = new TreeMap<>();
    KeyValueStore<String, ReferralState> store = driver.getKeyValueStore(ReferralStores.STATE);
    try (KeyValueIterator<String, ReferralState> all = store.all()) {
      all.forEachRemaining(kv -> counted.merge("status|" + kv.value.getStatus().name(), List.of(BigDecimal.ONE),
          (a, b) -> List.of(a.get(0).add(b.get(0)))));
    }
    return counted;
  }

  private void submit(UUID referralId) {
    SealedPatient sealed = new SealedPatient("p-0123456789abcdef", "key", ByteBuffer.allocate(12), ByteBuffer.allocate(16));
    ReferralSubmitted submission = TestData.referral(NeedCode.LONELINESS).setPatient(null).setSealedPatient(sealed)
        .setPostcodeDistrict("NR1").setAgeWhenReferred(75).setRequestId("request-" + referralId).build();
    commands.pipeInput(referralId.toString(),
        new ReferralCommand(Events.metadata("referral-service", referralId, null), new SubmitReferral(submission)));
  }
}
