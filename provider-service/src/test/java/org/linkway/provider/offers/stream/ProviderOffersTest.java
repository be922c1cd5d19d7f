package org.linkway.provider.offers.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.commands.DeclineReferral;
import org.linkway.commands.ProviderCommand;
import org.linkway.events.DeclineReason;
import org.linkway.events.EventMetadata;
import org.linkway.events.NeedCode;
import org.linkway.events.Patient;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralOffered;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.PartyView;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.provider.measures.MeasureChanges;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;
import org.springframework.mock.env.MockEnvironment;

/**
 * The providers' lists of their offers ({@link ProviderOffers}) as {@link OfferTopology} keeps them,
 * driven by {@link TopologyTestDriver}: an offer is in its provider's list, oldest first, read a page
 * at a time; its status changes in place, stamped with the moment (its place in the provider's live stream);
 * offered to another provider after a decline, it leaves the first provider's list for the second's.
 */
class ProviderOffersTest {

  private static final String P1 = "prov-1";
  private static final String P2 = "prov-2";
  private static final Instant MORNING = Instant.parse("2026-11-02T09:00:00Z");

  @TempDir
  Path stateDir;

  private TopologyTestDriver driver;
  private TestInputTopic<String, SpecificRecord> referrals;
  private TestInputTopic<String, SpecificRecord> commands;
  private KeyValueStore<String, OfferState> view;

  @BeforeEach
  void setUp() {
    StreamsBuilder builder = new StreamsBuilder();
    new OfferTopology().offerLifecycle(builder, SelfDescribingAvro.serdes(), Duration.ofSeconds(1),
        new MeasureChanges(new MockEnvironment()));
    driver = SelfDescribingAvro.driver(builder, "provider-service-offers-test", stateDir);
    referrals = driver.createInputTopic(Topics.REFERRALS.name(), new StringSerializer(), new SelfDescribingAvro.AvroSerializer());
    commands = driver.createInputTopic(Topics.PROVIDER_COMMANDS.name(), new StringSerializer(), new SelfDescribingAvro.AvroSerializer());
    view = driver.getKeyValueStore(ProviderOffers.STORE);
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  @Test
  void givenOffersToTwoProviders_whenAProvidersListIsRead_thenItHoldsItsOwnOldestFirstUnderItsKey() {
    UUID second = offer(P1, 1, MORNING.plusSeconds(60));
    UUID first = offer(P1, 1, MORNING);
    UUID other = offer(P2, 1, MORNING.plusSeconds(30));

    assertThat(ids(page(P1, null, 10, null).values())).containsExactly(first, second);
    assertThat(ids(page(P2, null, 10, null).values())).containsExactly(other);
    assertThat(view.get(key(P1, MORNING, first)).getReferralId()).isEqualTo(first);
  }

  @Test
  void givenMoreOffersThanAPage_whenReadPageByPage_thenEachComesOnceInOrderAndTheLastPageHasNoCursor() {
    List<UUID> offered = new ArrayList<>();
    for (int i = 0; i < 5; i++) offered.add(offer(P1, 1, MORNING.plusSeconds(i)));

    StoreQueries.Page<OfferState> one = page(P1, null, 2, null);
    StoreQueries.Page<OfferState> two = page(P1, one.next(), 2, null);
    StoreQueries.Page<OfferState> three = page(P1, two.next(), 2, null);

    assertThat(ids(one.values())).containsExactly(offered.get(0), offered.get(1));
    assertThat(ids(two.values())).containsExactly(offered.get(2), offered.get(3));
    assertThat(ids(three.values())).containsExactly(offered.get(4));
    assertThat(one.next()).matches(PartyView.CURSOR);
    assertThat(three.next()).isNull();
  }

  @Test
  void givenAnOfferDeclined_whenTheListIsRead_thenItsStatusChangedInPlaceAndAStatusPageLeavesItOut() {
    UUID declined = offer(P1, 1, MORNING);
    UUID waiting = offer(P1, 1, MORNING.plusSeconds(1));

    decline(P1, declined);

    assertThat(view.get(key(P1, MORNING, declined)).getStatus()).isEqualTo(OfferStatus.DECLINED);
    assertThat(ids(page(P1, null, 10, OfferStatus.OFFERED).values())).containsExactly(waiting);
    assertThat(ids(page(P1, null, 10, null).values())).containsExactly(declined, waiting);
  }

  @Test
  void givenAnOfferDeclined_whenKept_thenItsChangedAtIsWhenItWasMadeThenWhenItWasDeclinedAndItsStreamIdCarriesIt() {
    UUID referral = offer(P1, 1, MORNING);
    Instant made = view.get(key(P1, MORNING, referral)).getChangedAt();
    driver.advanceWallClockTime(Duration.ofSeconds(30));

    decline(P1, referral);

    OfferState declined = view.get(key(P1, MORNING, referral));
    assertThat(made).isNotNull();
    assertThat(declined.getChangedAt()).isEqualTo(made.plusSeconds(30));
    assertThat(OfferFeed.KEYS.id().apply(declined)).isEqualTo(referral + "-1@" + made.plusSeconds(30).toEpochMilli());
  }

  @Test
  void givenAnOfferDeclinedThenOfferedToAnotherProvider_whenTheListsAreRead_thenItMovedFromTheFirstToTheSecond() {
    UUID referral = offer(P1, 1, MORNING);
    decline(P1, referral);

    offer(referral, P2, 2, MORNING.plusSeconds(3600));

    assertThat(page(P1, null, 10, null).values()).isEmpty();
    List<OfferState> second = page(P2, null, 10, null).values();
    assertThat(ids(second)).containsExactly(referral);
    assertThat(second.get(0).getOffer().getAttempt()).isEqualTo(2);
    assertThat(second.get(0).getStatus()).isEqualTo(OfferStatus.OFFERED);
  }

  @Test
  void givenAnOfferDeclinedThenOfferedAgainToTheSameProvider_whenTheListIsRead_thenItIsThereOnceAtItsNewTime() {
    UUID referral = offer(P1, 1, MORNING);
    UUID later = offer(P1, 1, MORNING.plusSeconds(60));
    decline(P1, referral);

    offer(referral, P1, 2, MORNING.plusSeconds(3600));

    assertThat(ids(page(P1, null, 10, null).values())).containsExactly(later, referral);
    assertThat(view.get(key(P1, MORNING, referral))).isNull();
  }

  private StoreQueries.Page<OfferState> page(String provider, String after, int limit, OfferStatus status) {
    return StoreQueries.page(view, PartyView.prefix(provider), after, limit, s -> status == null || s.getStatus() == status);
  }

  private static List<UUID> ids(List<OfferState> offers) {
    return offers.stream().map(OfferState::getReferralId).toList();
  }

  private static String key(String provider, Instant offeredAt, UUID referralId) {
    return PartyView.prefix(provider) + String.format("%019d", offeredAt.toEpochMilli()) + "|" + referralId;
  }

  private UUID offer(String provider, int attempt, Instant at) {
    return offer(UUID.randomUUID(), provider, attempt, at);
  }

  private UUID offer(UUID referralId, String provider, int attempt, Instant at) {
    ReferralOffered offer = ReferralOffered.newBuilder()
        .setProviderId(provider)
        .setServiceId("svc-" + provider)
        .setAttempt(attempt)
        .setNeedsMet(List.of(NeedCode.LONELINESS))
        .setCommissioner("QMM")
        .setPersonId("p-0123456789abcdef")
        .setNeeds(List.of(NeedCode.LONELINESS))
        .setPatient(new Patient("9434765919", "Ada", "Lovelace", LocalDate.of(1950, 12, 10), "NR1 3SR", null, null))
        .build();
    EventMetadata meta = EventMetadata.newBuilder(Events.metadata("referral-service", referralId, null)).setOccurredAt(at).build();
    referrals.pipeInput(referralId.toString(), new ReferralEvent(meta, offer));
    return referralId;
  }

  private void decline(String provider, UUID referralId) {
    commands.pipeInput(referralId.toString(), new ProviderCommand(Events.metadata("provider-service", referralId, null), provider,
        new DeclineReferral(DeclineReason.CAPACITY, null, null), null));
  }
}
