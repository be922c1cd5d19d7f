package org.linkway.referral.places;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.events.NeedCode.LONELINESS;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.linkway.events.NoPlace;
import org.linkway.events.PlaceDecision;
import org.linkway.events.PlaceGranted;
import org.linkway.events.PlaceRequest;
import org.linkway.events.ServiceListed;
import org.linkway.events.ServiceLoad;
import org.linkway.events.TakePlace;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.referral.TestData;

/**
 * The place deciders as wired: "small" has 2 places, "spare" 5. Requests for a place name both, small first; a
 * request small cannot grant goes on to spare through {@code place-requests}, as it would on the broker.
 */
class PlaceProcessorTest {

  private static final Map<String, ServiceListed> DIRECTORY = Map.of(
      "small", TestData.service("small", LONELINESS).setCapacity(2).build(),
      "spare", TestData.service("spare", LONELINESS).setCapacity(5).build());

  @TempDir
  Path stateDir;

  private TopologyTestDriver driver;
  private TestInputTopic<String, SpecificRecord> requests;
  private TestOutputTopic<String, SpecificRecord> decisions;
  private TestOutputTopic<String, SpecificRecord> loads;

  @BeforeEach
  void setUp() {
    StreamsBuilder builder = new StreamsBuilder();
    PlaceTopology.places(builder, SelfDescribingAvro.serdes(), serviceId -> Optional.ofNullable(DIRECTORY.get(serviceId)));
    driver = SelfDescribingAvro.driver(builder, "referral-service-places-test", stateDir);
    requests = SelfDescribingAvro.input(driver, Topics.PLACE_REQUESTS);
    decisions = SelfDescribingAvro.output(driver, Topics.PLACE_DECISIONS);
    loads = SelfDescribingAvro.output(driver, Topics.SERVICE_LOAD);
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  @Test
  void givenTwoPlaces_when10ReferralsAskForOne_thenTwoAreGrantedAndTheRestGoToTheNextCandidateOrGetNone() {
    for (int i = 0; i < 10; i++) take(UUID.randomUUID(), 1);

    List<PlaceDecision> answers = answers();
    assertThat(answers).hasSize(10);
    assertThat(answers.stream().filter(a -> grantedBy(a, "small"))).hasSize(2);
    assertThat(answers.stream().filter(a -> grantedBy(a, "spare"))).hasSize(5)
        .allSatisfy(a -> assertThat(((PlaceGranted) a.getPayload()).getFull()).containsExactly("small"));
    assertThat(answers.stream().filter(a -> a.getPayload() instanceof NoPlace))
        .hasSize(3)
        .allSatisfy(a -> assertThat(((NoPlace) a.getPayload()).getFull()).containsExactly("small", "spare"));
    Map<String, ServiceLoad> load = lastLoads();
    assertThat(load.get("small")).extracting(ServiceLoad::getOpenOffers, ServiceLoad::getAccepted, ServiceLoad::getCapacity)
        .containsExactly(2, 0, 2);
    assertThat(load.get("spare").getOpenOffers()).isEqualTo(5);
  }

  @Test
  void givenAFullService_whenAPlaceIsGivenBack_thenTheNextReferralGetsIt() {
    UUID first = smallFilled(1);

    give(first, 1, "small");
    UUID next = UUID.randomUUID();
    take(next, 1);

    assertThat(answers()).singleElement().satisfies(a -> {
      assertThat(a.getMetadata().getReferralId()).isEqualTo(next);
      assertThat(grantedBy(a, "small")).isTrue();
    });
  }

  @Test
  void givenAPlaceHeld_whenAnotherAttemptsPlaceOrAnotherReferralIsGivenBack_thenItStaysTaken() {
    UUID holder = smallFilled(2);

    give(holder, 1, "small");
    give(UUID.randomUUID(), 1, "small");
    take(UUID.randomUUID(), 1);

    assertThat(answers()).singleElement().satisfies(a -> assertThat(grantedBy(a, "spare")).isTrue());
  }

  @Test
  void givenARequestDeliveredAgain_whenDecided_thenItIsAnsweredTheSameAndTakesOnePlace() {
    UUID referral = UUID.randomUUID();
    PlaceRequest request = Places.take(Events.metadata("referral-service", referral, null), 1, List.of("small", "spare"));
    requests.pipeInput("small", request);
    requests.pipeInput("small", request);

    List<PlaceDecision> answers = answers();
    assertThat(answers).hasSize(2).allSatisfy(a -> {
      assertThat(a.getAttempt()).isEqualTo(1);
      assertThat(grantedBy(a, "small")).isTrue();
    });
    assertThat(answers.get(1).getMetadata().getEventId()).isEqualTo(answers.get(0).getMetadata().getEventId());
    assertThat(lastLoad("small").getOpenOffers()).isEqualTo(1);

    take(UUID.randomUUID(), 1);
    assertThat(answers()).singleElement().satisfies(a -> assertThat(grantedBy(a, "small")).isTrue());
  }

  @Test
  void givenAnOfferAccepted_whenFilledThenGivenBack_thenTheLoadCountsItAsAcceptedThenFree() {
    UUID referral = UUID.randomUUID();
    take(referral, 1);
    requests.pipeInput("small", Places.fill(Events.metadata("referral-service", referral, null), 1, "small"));
    requests.pipeInput("small", Places.fill(Events.metadata("referral-service", referral, null), 1, "small"));
    assertThat(lastLoad("small")).extracting(ServiceLoad::getOpenOffers, ServiceLoad::getAccepted).containsExactly(0, 1);

    give(referral, 1, "small");
    give(referral, 1, "small");

    assertThat(lastLoad("small")).extracting(ServiceLoad::getOpenOffers, ServiceLoad::getAccepted).containsExactly(0, 0);
  }

  /** Both of small's places taken, the first by a referral on {@code attempt}: its id. */
  private UUID smallFilled(int attempt) {
    UUID first = UUID.randomUUID();
    take(first, attempt);
    take(UUID.randomUUID(), 1);
    assertThat(answers()).allSatisfy(a -> assertThat(grantedBy(a, "small")).isTrue());
    return first;
  }

  @Test
  void givenRequestsReachingTheServiceOutOfTheirOrder_whenItsLoadIsSent_thenItsTimeNeverGoesBack() {
    Instant later = Instant.parse("2026-12-06T10:00:05Z");
    Instant earlier = Instant.parse("2026-12-06T10:00:01Z");
    for (Instant at : List.of(later, earlier, later.plusSeconds(1))) {
      PlaceRequest request = Places.take(Events.metadata("referral-service", UUID.randomUUID(), null), 1, List.of("spare"));
      requests.pipeInput(Places.serviceOf(request), request, at);
    }

    List<org.apache.kafka.streams.test.TestRecord<String, SpecificRecord>> sent = loads.readRecordsToList();
    assertThat(sent).extracting(org.apache.kafka.streams.test.TestRecord::getRecordTime)
        .containsExactly(later, later, later.plusSeconds(1));
    assertThat(sent).extracting(r -> ((ServiceLoad) r.getValue()).getUpdatedAt())
        .containsExactly(later, later, later.plusSeconds(1));
    assertThat(sent).extracting(r -> ((ServiceLoad) r.getValue()).getOpenOffers()).containsExactly(1, 2, 3);
  }

  private void take(UUID referralId, int attempt) {
    PlaceRequest request = Places.take(Events.metadata("referral-service", referralId, null), attempt, List.of("small", "spare"));
    assertThat(request.getPayload()).isInstanceOf(TakePlace.class);
    requests.pipeInput(Places.serviceOf(request), request);
  }

  private void give(UUID referralId, int attempt, String serviceId) {
    requests.pipeInput(serviceId, Places.release(Events.metadata("referral-service", referralId, null), attempt, serviceId,
        "declined"));
  }

  private List<PlaceDecision> answers() {
    return decisions.readKeyValuesToList().stream().map(kv -> {
      PlaceDecision decision = (PlaceDecision) kv.value;
      assertThat(kv.key).as("keyed by referral").isEqualTo(decision.getMetadata().getReferralId().toString());
      return decision;
    }).toList();
  }

  /** The load last written of each service since the last read. */
  private Map<String, ServiceLoad> lastLoads() {
    Map<String, ServiceLoad> last = new HashMap<>();
    loads.readKeyValuesToList().forEach(kv -> last.put(kv.key, (ServiceLoad) kv.value));
    return last;
  }

  private ServiceLoad lastLoad(String serviceId) {
    return lastLoads().get(serviceId);
  }

  private static boolean grantedBy(PlaceDecision decision, String serviceId) {
    return decision.getPayload() instanceof PlaceGranted granted && granted.getServiceId().equals(serviceId);
  }
}
