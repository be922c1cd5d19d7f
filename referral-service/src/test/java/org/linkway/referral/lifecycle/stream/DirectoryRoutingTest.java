package org.linkway.referral.lifecycle.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.commands.ReferralCommand;
import org.linkway.commands.SubmitReferral;
import org.linkway.events.NeedCode;
import org.linkway.events.PlaceRequest;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.SealedPatient;
import org.linkway.events.ServiceListed;
import org.linkway.events.TakePlace;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.GlobalTables;
import org.linkway.platform.streams.ReferenceTable;
import org.linkway.platform.streams.RetentionSettings;
import org.linkway.platform.testing.ReferenceTables;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.referral.TestData;
import org.linkway.referral.lifecycle.domain.ReferralLifecycle;
import org.linkway.referral.places.PlaceTopology;

/**
 * Routing as {@link ReferralTopology} wires it, on {@link TopologyTestDriver}, with the directory a real global table
 * read through its index of commissioners: a referral's place is asked of the services its ICB commissions, and of no
 * other; a service whose commissioners change is asked for the new ones' referrals only, and one delisted is not
 * asked.
 */
class DirectoryRoutingTest {

  @TempDir
  Path stateDir;

  private TopologyTestDriver driver;
  private TestInputTopic<String, SpecificRecord> directoryIn;
  private TestInputTopic<String, SpecificRecord> commands;
  private TestOutputTopic<String, SpecificRecord> placeRequests;

  @BeforeEach
  void setUp() {
    AvroSerdes serdes = SelfDescribingAvro.serdes();
    StreamsBuilder builder = new StreamsBuilder();
    ReferralTopology topology = new ReferralTopology();
    GlobalTables.add(builder, serdes, Topics.PROVIDER_DIRECTORY);
    ReferenceTable<ServiceListed> directory = ReferenceTable.over(
        () -> driver.<String, ServiceListed>getKeyValueStore(GlobalTables.storeOf(Topics.PROVIDER_DIRECTORY)), v -> v);
    PlaceTopology.places(builder, serdes, serviceId -> Optional.empty());
    topology.referralLifecycle(builder, serdes, directory,
        topology.fundingRoom(ReferenceTables.empty(), ReferenceTables.empty(), ReferenceTables.empty()),
        ReferralLifecycle.Settings.defaults(), RetentionSettings.defaults());
    driver = SelfDescribingAvro.driver(builder, "referral-service-directory-routing-test", stateDir);
    directoryIn = SelfDescribingAvro.input(driver, Topics.PROVIDER_DIRECTORY);
    commands = SelfDescribingAvro.input(driver, Topics.REFERRAL_COMMANDS);
    placeRequests = SelfDescribingAvro.output(driver, Topics.PLACE_REQUESTS);
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  @Test
  void givenServicesOfSeveralIcbs_whenReferralsAreRoutedAsTheirCommissionersChange_thenOnlyTheReferralsIcbsServicesAreAsked() {
    list("svc-a", "QMM");
    list("svc-b", "QOC");
    list("svc-c", "QMM", "QOC");

    assertThat(candidatesOf(submit("QMM"))).containsExactly("svc-a", "svc-c");
    assertThat(candidatesOf(submit("QOC"))).containsExactly("svc-b", "svc-c");

    list("svc-b", "QMM", "QOC");
    list("svc-c", "QOC");

    assertThat(candidatesOf(submit("QMM"))).containsExactly("svc-a", "svc-b");
    assertThat(candidatesOf(submit("QOC"))).containsExactly("svc-b", "svc-c");

    directoryIn.pipeInput("svc-a", (SpecificRecord) null);

    assertThat(candidatesOf(submit("QMM"))).containsExactly("svc-b");
    assertThat(candidatesOf(submit("QUE"))).as("an ICB that commissions nothing").isEmpty();
  }

  private void list(String serviceId, String... commissioners) {
    directoryIn.pipeInput(serviceId, TestData.service(serviceId, NeedCode.LONELINESS)
        .setCommissioners(List.of(commissioners)).build());
  }

  /** The services the referral's first attempt asks for a place, best first: none when it is unplaced at once. */
  private List<String> candidatesOf(UUID referralId) {
    return placeRequests.readKeyValuesToList().stream()
        .filter(request -> request.value instanceof PlaceRequest place
            && place.getMetadata().getReferralId().equals(referralId) && place.getPayload() instanceof TakePlace)
        .map(request -> ((TakePlace) ((PlaceRequest) request.value).getPayload()).getCandidates())
        .findFirst().orElse(List.of());
  }

  /** A submission to an ICB, its identity sealed as the HTTP intake seals it. */
  private UUID submit(String commissioner) {
    UUID referralId = UUID.randomUUID();
    SealedPatient sealed = new SealedPatient("p-0123456789abcdef", "key-1", ByteBuffer.allocate(12), ByteBuffer.allocate(16));
    ReferralSubmitted submission = TestData.referral(NeedCode.LONELINESS).setPatient(null).setSealedPatient(sealed)
        .setPostcodeDistrict("NR1").setAgeWhenReferred(75).setCommissioner(commissioner)
        .setRequestId("request-" + referralId).build();
    commands.pipeInput(referralId.toString(), new ReferralCommand(Events.metadata("referral-service", referralId, null),
        new SubmitReferral(submission)));
    return referralId;
  }
}
