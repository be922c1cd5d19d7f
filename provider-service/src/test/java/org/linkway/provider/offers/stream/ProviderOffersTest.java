package org.linkway.provider.offers.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.commands.AcceptReferral;
import org.linkway.commands.CompleteReferral;
import org.linkway.commands.DeclineReferral;
import org.linkway.commands.ProviderCommand;
import org.linkway.commands.RecordSession;
import org.linkway.events.BudgetDecision;
import org.linkway.events.CancelRequested;
import org.linkway.events.Completion;
import org.linkway.events.DeclineReason;
import org.linkway.events.EventMetadata;
import org.linkway.events.FundingReservation;
import org.linkway.events.NeedCode;
import org.linkway.events.Patient;
import org.linkway.events.ReferralCancelled;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralOffered;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.RetentionSettings;
import org.linkway.platform.streams.PartyView;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.provider.measures.MeasureChanges;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;
import org.springframework.mock.env.MockEnvironment;

/**
 * The providers' lists of their offers as {@link OfferTopology} keeps them, driven by {@link TopologyTestDriver}.
 * All of a provider's offers ({@link ProviderOffers#VIEW}): an offer is in its provider's list, oldest first, read a
 * page at a time; its status changes in place, stamped with the moment (its place in the provider's live stream);
 * offered to another provider after a decline, it leaves the first provider's list for the second's. Its offers by
 * status ({@link ProviderOffers#BY_STATUS}): over many random changes of many offers (made, declined, expired, made
 * again to another provider or the same, accepted, sessions, completed, cancelled), each provider's list of each
 * status holds exactly the offers that filtering every offer state gives, in order, and nothing else; the inbox's
 * lists, read newest first across statuses a page at a time ({@link ProviderOffers#newestFirst}), are those offers
 * newest first, each once; its offers by last change ({@link ProviderOffers#CHANGES}) are exactly its offer states,
 * newest change first; and offers stored before the lists are filled into them once.
 */
class ProviderOffersTest {

  private static final String P1 = "prov-1";
  private static final String P2 = "prov-2";
  private static final List<String> PROVIDERS = List.of("prov-1", "prov-2", "prov-3");
  private static final Instant MORNING = Instant.parse("2026-11-02T09:00:00Z");

  @TempDir
  Path stateDir;

  private TopologyTestDriver driver;
  private TestInputTopic<String, SpecificRecord> referrals;
  private TestInputTopic<String, SpecificRecord> commands;
  private TestInputTopic<String, SpecificRecord> budget;
  private KeyValueStore<String, OfferState> view;
  private KeyValueStore<String, OfferState> states;
  private KeyValueStore<String, OfferState> byStatus;
  private StreamsBuilder builder;

  @BeforeEach
  void setUp() {
    builder = new StreamsBuilder();
    new OfferTopology().offerLifecycle(builder, SelfDescribingAvro.serdes(), Duration.ofSeconds(1),
        new MeasureChanges(new MockEnvironment()), RetentionSettings.defaults());
    driver = SelfDescribingAvro.driver(builder, "provider-service-offers-test", stateDir);
    referrals = SelfDescribingAvro.input(driver, Topics.REFERRALS);
    commands = SelfDescribingAvro.input(driver, Topics.PROVIDER_COMMANDS);
    budget = SelfDescribingAvro.input(driver, Topics.BUDGET_DECISIONS);
    view = driver.getKeyValueStore(ProviderOffers.STORE);
    states = driver.getKeyValueStore(OfferProcessor.STORE);
    byStatus = driver.getKeyValueStore(ProviderOffers.BY_STATUS.store());
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

  @Test
  void givenTheTopology_whenDescribed_thenTheListsByStatusAreKeptInTheTaskOfTheProvidersListWithNoRepartitionOfTheirOwn() {
    TopologyDescription description = builder.build().describe();
    TopologyDescription.Subtopology withList = description.subtopologies().stream()
        .filter(s -> s.nodes().stream().anyMatch(n -> n instanceof TopologyDescription.Processor p
            && p.stores().contains(ProviderOffers.STORE)))
        .findFirst().orElseThrow();
    assertThat(withList.nodes()).anySatisfy(n -> assertThat(n).isInstanceOfSatisfying(TopologyDescription.Processor.class,
        p -> assertThat(p.stores()).contains(ProviderOffers.BY_STATUS.store(), ProviderOffers.BY_STATUS.indexStore())));
    assertThat(description.toString()).doesNotContain(ProviderOffers.BY_STATUS.store() + "-repartition");
  }

  @Test
  void givenManyRandomChangesOfManyOffers_whenTheListsAreRead_thenEachIsExactlyTheOfferStatesOfItsProviderAndStatus() {
    Random random = new Random(16);
    Map<String, Offer> offers = new HashMap<>();
    List<String> ids = new ArrayList<>();
    Set<OfferStatus> seen = EnumSet.noneOf(OfferStatus.class);
    for (int i = 0; i < 150; i++) ids.add(UUID.randomUUID().toString());
    for (int step = 1; step <= 900; step++) {
      String id = ids.get(random.nextInt(ids.size()));
      Offer offer = offers.computeIfAbsent(id, k -> new Offer());
      switch (random.nextInt(10)) {
        case 0, 1 -> offerTo(id, offer, PROVIDERS.get(random.nextInt(PROVIDERS.size())), random);
        case 2 -> command(id, offer, new DeclineReferral(DeclineReason.CAPACITY, null, null));
        case 3 -> accept(id, offer);
        case 4 -> command(id, offer, new RecordSession(LocalDate.of(2026, 11, 3), random.nextBoolean(), List.of()));
        case 5 -> command(id, offer, new CompleteReferral(random.nextBoolean() ? Completion.COMPLETED : Completion.DROPPED_OUT, List.of()));
        case 6 -> referral(id, new CancelRequested("D82044", UUID.randomUUID().toString()));
        case 7 -> referral(id, new ReferralCancelled(null, "D82044", null));
        case 8 -> driver.advanceWallClockTime(Duration.ofSeconds(2));
        default -> command(id, offer, new DeclineReferral(DeclineReason.PERSON_DECLINED, null, null));
      }
      if (step % 150 == 0) {
        assertListsAreTheStates();
        all(states).forEach(state -> seen.add(state.getStatus()));
      }
    }
    // the random changes reached every status the decider writes
    assertThat(seen).contains(OfferStatus.OFFERED, OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.COMPLETED, OfferStatus.CANCELLED);
    assertThat(all(states).stream().map(s -> s.getOffer().getProviderId()).distinct()).hasSize(PROVIDERS.size());
  }

  @Test
  void givenOffersOfEveryStatusStoredBeforeTheLists_whenTheTaskHasRunASecond_thenEachIsInItsListOnce() {
    Random random = new Random(7);
    for (int i = 0; i < 80; i++) {
      String id = UUID.randomUUID().toString();
      OfferStatus status = OfferStatus.values()[random.nextInt(OfferStatus.values().length)];
      states.put(id, OfferState.newBuilder().setReferralId(UUID.fromString(id)).setStatus(status)
          .setOffer(offered(PROVIDERS.get(random.nextInt(PROVIDERS.size())), 1))
          .setOfferedAt(MORNING.plusSeconds(random.nextInt(50))).build());
    }
    assertThat(all(byStatus)).isEmpty();

    driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertListsAreTheStates();
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertListsAreTheStates();
  }

  @Test
  void givenOffersInSeveralStatuses_whenReadNewestFirstAPageAtATime_thenEachComesOnceNewestFirstWithACursorUntilTheLast() {
    for (int i = 0; i < 7; i++) offerTo(UUID.randomUUID().toString(), new Offer(), "prov-1", MORNING.plusSeconds(i));
    List<String> offered = all(states).stream().sorted(Comparator.comparing(OfferState::getOfferedAt))
        .map(s -> s.getReferralId().toString()).toList();
    // three accepted, two declined: the open, active and ended lists interleave in time
    for (int i : List.of(1, 3, 5)) accept(offered.get(i), new Offer());
    for (int i : List.of(2, 6)) command(offered.get(i), new Offer(), new DeclineReferral(DeclineReason.CAPACITY, null, null));

    assertThat(names(newest(ProviderOffers.ACTIVE, null, 10).values())).containsExactly(offered.get(5), offered.get(3), offered.get(1));
    StoreQueries.Page<OfferState> first = newest(ProviderOffers.ACTIVE, null, 2);
    assertThat(names(first.values())).containsExactly(offered.get(5), offered.get(3));
    assertThat(first.next()).matches(PartyView.CURSOR);
    StoreQueries.Page<OfferState> second = newest(ProviderOffers.ACTIVE, first.next(), 2);
    assertThat(names(second.values())).containsExactly(offered.get(1));
    assertThat(second.next()).isNull();
    assertThat(names(newest(ProviderOffers.OPEN, null, 10).values())).containsExactly(offered.get(4), offered.get(0));
    assertThat(names(newest(ProviderOffers.ENDED, null, 1).values())).containsExactly(offered.get(6));
    // a page exactly as long as what is left has no cursor
    assertThat(newest(ProviderOffers.ENDED, null, 2).next()).isNull();
  }

  /**
   * The inbox's three lists and its resumed stream over a provider with many more offers than a page: each reads at most a
   * page and one per status it lists, whatever the provider's history holds.
   */
  @Test
  void givenAProviderWithManyOffers_whenTheInboxsListsAreReadAPageAtATime_thenEachReadsAPageAndOnePerStatusAtMost() {
    List<UUID> made = new ArrayList<>();
    for (int i = 0; i < 240; i++) made.add(offer("prov-1", 1, MORNING.plusSeconds(i)));
    for (int i = 0; i < 240; i += 3) decline("prov-1", made.get(i));
    for (int i = 1; i < 240; i += 3) accept(made.get(i).toString(), new Offer());
    int[] read = {0};
    ProviderOffers.NewestFirst counted = (prefix, from, action) -> StoreQueries.<OfferState>scan(byStatus, prefix, from, true,
        (cursor, state) -> {
          read[0]++;
          return action.test(cursor, state);
        });

    for (List<OfferStatus> statuses : List.of(ProviderOffers.OPEN, ProviderOffers.ACTIVE, ProviderOffers.ENDED)) {
      read[0] = 0;
      StoreQueries.Page<OfferState> first = ProviderOffers.newestFirst(counted, "prov-1", statuses, null, 5);
      assertThat(first.values()).as("%s", statuses).hasSize(5);
      assertThat(read[0]).as("offers read for a page of 5 of %s among 240", statuses).isLessThanOrEqualTo(statuses.size() * 6);
      read[0] = 0;
      assertThat(ProviderOffers.newestFirst(counted, "prov-1", statuses, first.next(), 5).values()).hasSize(5);
      assertThat(read[0]).as("the page after, of %s", statuses).isLessThanOrEqualTo(statuses.size() * 6);
    }
  }

  /**
   * For every provider and status: the list holds exactly the offer states of that provider in that status, oldest
   * first (then by referral); every list holds each offer once (its index too); and the inbox's three lists, read newest
   * first a few at a time, are those of their statuses, newest first, each once.
   */
  private void assertListsAreTheStates() {
    List<OfferState> every = all(states);
    for (String provider : PROVIDERS) {
      for (OfferStatus status : OfferStatus.values()) {
        List<String> expected = every.stream()
            .filter(s -> s.getOffer().getProviderId().equals(provider) && s.getStatus() == status)
            .sorted(Comparator.comparing(OfferState::getOfferedAt).thenComparing(s -> s.getReferralId().toString()))
            .map(s -> s.getReferralId().toString()).toList();
        List<OfferState> listed = StoreQueries.page(byStatus, ProviderOffers.list(provider, status), null,
            10_000, s -> true).values();
        assertThat(names(listed)).as("%s %s", provider, status).containsExactlyElementsOf(expected);
        listed.forEach(this::assertIsAsNow);
      }
      for (List<OfferStatus> statuses : List.of(ProviderOffers.OPEN, ProviderOffers.ACTIVE, ProviderOffers.ENDED)) {
        List<String> expected = every.stream()
            .filter(s -> s.getOffer().getProviderId().equals(provider) && statuses.contains(s.getStatus()))
            .sorted(Comparator.comparing(OfferState::getOfferedAt).thenComparing(s -> s.getReferralId().toString()).reversed())
            .map(s -> s.getReferralId().toString()).toList();
        List<String> read = new ArrayList<>();
        String after = null;
        do {
          StoreQueries.Page<OfferState> page = ProviderOffers.newestFirst(
              (prefix, from, action) -> StoreQueries.scan(byStatus, prefix, from, true, action), provider, statuses, after, 3);
          assertThat(page.values().size()).isLessThanOrEqualTo(3);
          if (page.next() != null) assertThat(page.values()).hasSize(3);
          read.addAll(names(page.values()));
          after = page.next();
        } while (after != null);
        assertThat(read).as("%s %s newest first", provider, statuses).containsExactlyElementsOf(expected);
      }
    }
    assertThat(all(byStatus)).hasSameSizeAs(every);
    assertThat(count(driver.getKeyValueStore(ProviderOffers.BY_STATUS.indexStore()))).isEqualTo(every.size());
    assertChangesAreTheStates(every);
  }

  /** A list's item is its offer as it is now, as lists keep it (compared as text: Avro's equals fails on a uuid inside a union). */
  private void assertIsAsNow(OfferState listed) {
    assertThat(listed.toString()).isEqualTo(ProviderOffers.listed(states.get(listed.getReferralId().toString())).toString());
  }

  /**
   * For every provider: its offers by last change ({@link ProviderOffers#CHANGES}) are exactly its offer states, newest
   * change first (then by referral), each as it is now; and a few of the newest, read as a resumed stream reads them
   * (one bounded range), are the first of those. Each offer is in one list, once (its index too).
   */
  private void assertChangesAreTheStates(List<OfferState> every) {
    KeyValueStore<String, OfferState> changes = driver.getKeyValueStore(ProviderOffers.CHANGES.store());
    for (String provider : PROVIDERS) {
      List<String> expected = every.stream().filter(s -> s.getOffer().getProviderId().equals(provider))
          .sorted(Comparator.comparing((OfferState s) -> OfferFeed.changedAt(s)).reversed()
              .thenComparing(s -> s.getReferralId().toString()))
          .map(s -> s.getReferralId().toString()).toList();
      List<OfferState> listed = StoreQueries.page(changes, PartyView.prefix(provider), null, 10_000, s -> true).values();
      assertThat(names(listed)).as("%s by last change", provider).containsExactlyElementsOf(expected);
      listed.forEach(this::assertIsAsNow);
      assertThat(names(StoreQueries.page(changes, PartyView.prefix(provider), null, 5, s -> true).values()))
          .containsExactlyElementsOf(expected.subList(0, Math.min(5, expected.size())));
    }
    assertThat(all(changes)).hasSameSizeAs(every);
    assertThat(count(driver.getKeyValueStore(ProviderOffers.CHANGES.indexStore()))).isEqualTo(every.size());
  }

  private StoreQueries.Page<OfferState> newest(List<OfferStatus> statuses, String after, int limit) {
    return ProviderOffers.newestFirst((prefix, from, action) -> StoreQueries.scan(byStatus, prefix, from, true, action),
        "prov-1", statuses, after, limit);
  }

  /** What the test remembers of an offer: its provider and attempt now, and the accept waiting for the budget. */
  private static final class Offer {
    String provider;
    int attempt;
  }

  private void offerTo(String id, Offer offer, String provider, Random random) {
    // a few moments only, so that offers share one and are told apart by their ids
    offerTo(id, offer, provider, MORNING.plusSeconds(random.nextInt(20)));
  }

  private void offerTo(String id, Offer offer, String provider, Instant at) {
    offer.provider = provider;
    offer.attempt++;
    ReferralOffered made = ReferralOffered.newBuilder(offered(provider, offer.attempt))
        // some past their deadline, for the next check to expire them
        .setRespondBy(offer.attempt % 3 == 0 ? at : null).build();
    EventMetadata meta = EventMetadata.newBuilder(Events.metadata("referral-service", UUID.fromString(id), null))
        .setOccurredAt(at).build();
    referrals.pipeInput(id, new ReferralEvent(meta, made));
  }

  /** An offer to the provider's service, of one need, to Ada Lovelace in clear; the tests of the offers' stores make them so. */
  static ReferralOffered offered(String provider, int attempt) {
    return ReferralOffered.newBuilder()
        .setProviderId(provider).setServiceId("svc-" + provider).setAttempt(attempt)
        .setNeedsMet(List.of(NeedCode.LONELINESS)).setCommissioner("QMM").setPersonId("p-0123456789abcdef")
        .setNeeds(List.of(NeedCode.LONELINESS))
        .setPatient(new Patient("9434765919", "Ada", "Lovelace", LocalDate.of(1950, 12, 10), "NR1 3SR", null, null))
        .build();
  }

  /** The offer's provider accepts, and the budget reserves the funding. */
  private void accept(String id, Offer offer) {
    ProviderCommand accept = command(id, offer, new AcceptReferral(null, List.of(), null));
    budget.pipeInput(id, new BudgetDecision(Events.metadata("outcome-service", UUID.fromString(id), null),
        accept.getMetadata().getEventId().toString(), new FundingReservation("contract-QMM-1", new BigDecimal("250.00"), "2026-27", false)));
  }

  private ProviderCommand command(String id, Offer offer, Object command) {
    String provider = offer.provider == null ? PROVIDERS.get(0) : offer.provider;
    ProviderCommand sent = new ProviderCommand(Events.metadata("provider-service", UUID.fromString(id), null), provider, command, null);
    commands.pipeInput(id, sent);
    return sent;
  }

  private void referral(String id, Object payload) {
    referrals.pipeInput(id, new ReferralEvent(Events.metadata("referral-service", UUID.fromString(id), null), payload));
  }

  private static List<String> names(List<OfferState> offers) {
    return offers.stream().map(s -> s.getReferralId().toString()).toList();
  }

  private static <V> List<V> all(KeyValueStore<String, V> store) {
    List<V> values = new ArrayList<>();
    try (KeyValueIterator<String, V> it = store.all()) {
      it.forEachRemaining(entry -> values.add(entry.value));
    }
    return values;
  }

  private static long count(KeyValueStore<String, String> store) {
    return all(store).size();
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
    ReferralOffered offer = offered(provider, attempt);
    EventMetadata meta = EventMetadata.newBuilder(Events.metadata("referral-service", referralId, null)).setOccurredAt(at).build();
    referrals.pipeInput(referralId.toString(), new ReferralEvent(meta, offer));
    return referralId;
  }

  private void decline(String provider, UUID referralId) {
    commands.pipeInput(referralId.toString(), new ProviderCommand(Events.metadata("provider-service", referralId, null), provider,
        new DeclineReferral(DeclineReason.CAPACITY, null, null), null));
  }
}
