package org.linkway.provider.offers.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
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
import org.linkway.events.CancelRefused;
import org.linkway.events.CancelRequested;
import org.linkway.events.Completion;
import org.linkway.events.DeclineReason;
import org.linkway.events.EventMetadata;
import org.linkway.events.FundingReservation;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralCancelled;
import org.linkway.events.ReferralEvent;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.Retention;
import org.linkway.platform.streams.RetentionSettings;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.provider.measures.MeasureChanges;
import org.linkway.replies.CommandReply;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;
import org.springframework.mock.env.MockEnvironment;

/**
 * Ended offers leave the hot stores in time ({@link Retention}), on {@link TopologyTestDriver}'s wall clock with the
 * topology as {@link OfferTopology} wires it: an offer completed, declined, cancelled stays in {@code offer-state} and
 * every list of its provider (all its offers, by status, by last change, and their indexes) until
 * {@code linkway.retention.ended} after its end and is gone after it, a note of it kept; the open offers' figures do not
 * change; a live offer stays, and so does one declined by its provider and offered again; one declined then cancelled
 * counts from the cancel; the note goes {@code linkway.retention.identities} after the end; offers ended before the
 * index existed are archived too; an input for an archived offer makes no state: a command and a cancel are refused with
 * the reason, the rest passed over, and only a new attempt is an offer again.
 */
class OfferRetentionTest {

  private static final Duration ENDED = Duration.ofDays(90);
  private static final Duration IDENTITIES = Duration.ofDays(2922);
  private static final String P1 = "prov-1";
  private static final String P2 = "prov-2";

  @TempDir
  Path stateDir;

  private TopologyTestDriver driver;
  private TestInputTopic<String, SpecificRecord> referrals;
  private TestInputTopic<String, SpecificRecord> commands;
  private TestInputTopic<String, SpecificRecord> budget;
  private TestOutputTopic<String, SpecificRecord> events;
  private TestOutputTopic<String, SpecificRecord> replies;
  private KeyValueStore<String, OfferState> states;
  private final Map<String, String> providers = new HashMap<>();

  @BeforeEach
  void setUp() {
    StreamsBuilder builder = new StreamsBuilder();
    new OfferTopology().offerLifecycle(builder, SelfDescribingAvro.serdes(), Duration.ofSeconds(1),
        new MeasureChanges(new MockEnvironment()), new RetentionSettings(ENDED, IDENTITIES));
    driver = SelfDescribingAvro.driver(builder, "provider-service-retention-test", stateDir);
    referrals = SelfDescribingAvro.input(driver, Topics.REFERRALS);
    commands = SelfDescribingAvro.input(driver, Topics.PROVIDER_COMMANDS);
    budget = SelfDescribingAvro.input(driver, Topics.BUDGET_DECISIONS);
    events = SelfDescribingAvro.output(driver, Topics.PROVIDER_EVENTS);
    replies = SelfDescribingAvro.output(driver, Topics.PROVIDER_REPLIES);
    states = driver.getKeyValueStore(OfferProcessor.STORE);
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  @Test
  void givenEndedOffersAndLiveOnes_whenThePeriodPasses_thenTheEndedLeaveTheStateAndEveryListAndTheOpenFiguresStay() {
    String completed = offer(P1, 1);
    accept(completed);
    command(completed, new CompleteReferral(Completion.COMPLETED, List.of()));
    String personDeclined = offer(P1, 1);
    command(personDeclined, new DeclineReferral(DeclineReason.PERSON_DECLINED, null, null));
    String cancelled = offer(P2, 1);
    referral(cancelled, new ReferralCancelled(null, "D82044", null));
    String declined = offer(P1, 1);
    command(declined, new DeclineReferral(DeclineReason.CAPACITY, null, null));
    String waiting = offer(P1, 1);
    String working = offer(P2, 1);
    accept(working);
    driver.advanceWallClockTime(Duration.ofSeconds(1)); // the views filled once
    Map<String, Long> figures = all(driver.<String, Long>getKeyValueStore(OpenOffers.FIGURES));
    assertThat(figures).containsEntry("count", 1L);
    assertThat(statusOf(completed)).isEqualTo(OfferStatus.COMPLETED);
    assertThat(statusOf(personDeclined)).isEqualTo(OfferStatus.DECLINED);
    assertThat(statusOf(cancelled)).isEqualTo(OfferStatus.CANCELLED);
    assertThat(statusOf(working)).isEqualTo(OfferStatus.ACCEPTED);

    driver.advanceWallClockTime(ENDED.minus(Duration.ofMinutes(2)));
    assertThat(all(states)).hasSize(6);
    assertListsHoldExactly(completed, personDeclined, cancelled, declined, waiting, working);

    driver.advanceWallClockTime(Duration.ofMinutes(2).plus(Retention.EVERY));
    assertThat(all(states)).containsOnlyKeys(waiting, working);
    assertListsHoldExactly(waiting, working);
    assertThat(all(driver.getKeyValueStore(OfferProcessor.ENDED_INDEX))).isEmpty();
    assertThat(all(driver.<String, Long>getKeyValueStore(OpenOffers.FIGURES))).isEqualTo(figures);
    assertThat(all(driver.getKeyValueStore(OpenOffers.SINCE))).hasSize(1);
    Map<String, String> expected = Map.of(completed, "COMPLETED", personDeclined, "DECLINED", cancelled, "CANCELLED",
        declined, "DECLINED");
    KeyValueStore<String, String> archive = driver.getKeyValueStore(OfferProcessor.ARCHIVE);
    assertThat(all(archive)).containsOnlyKeys(expected.keySet());
    expected.forEach((id, status) -> {
      ArchivedOffer note = ArchivedOffer.parse(archive.get(id));
      assertThat(note.status()).isEqualTo(status);
      assertThat(note.providerId()).isEqualTo(providers.get(id));
      assertThat(note.attempt()).isEqualTo(1);
      assertThat(Duration.between(note.endedAt(), note.archivedAt())).isBetween(ENDED, ENDED.plus(Duration.ofMinutes(3)));
      assertThat(note.explained(id)).contains("ended (" + status + ") on", "archived 90 days later", "provider-events log");
    });
  }

  @Test
  void givenAnOfferDeclinedByItsProvider_whenOfferedAgainOrCancelled_thenItIsLiveAgainOrCountsFromTheCancel() {
    String offeredAgain = offer(P1, 1);
    command(offeredAgain, new DeclineReferral(DeclineReason.CAPACITY, null, null));
    String cancelledLater = offer(P1, 1);
    command(cancelledLater, new DeclineReferral(DeclineReason.CAPACITY, null, null));
    driver.advanceWallClockTime(Duration.ofDays(10));
    offer(offeredAgain, P2, 2);
    referral(cancelledLater, new ReferralCancelled(null, "D82044", null));
    assertThat(statusOf(cancelledLater)).isEqualTo(OfferStatus.CANCELLED);

    // the period after the declines: both stay, the one offered again is live, the other ended at its cancel
    driver.advanceWallClockTime(ENDED.minus(Duration.ofDays(10)).plus(Retention.EVERY));
    assertThat(all(states)).containsOnlyKeys(offeredAgain, cancelledLater);
    assertThat(statusOf(offeredAgain)).isEqualTo(OfferStatus.OFFERED);
    assertListsHoldExactly(offeredAgain, cancelledLater);
    assertThat(all(driver.getKeyValueStore(OfferProcessor.ENDED_INDEX))).hasSize(1);

    driver.advanceWallClockTime(Duration.ofDays(10));
    assertThat(all(states)).containsOnlyKeys(offeredAgain);
    assertListsHoldExactly(offeredAgain);
    assertThat(ArchivedOffer.parse(driver.<String, String>getKeyValueStore(OfferProcessor.ARCHIVE).get(cancelledLater))
        .status()).isEqualTo("CANCELLED");
  }

  @Test
  void givenAnArchivedOffer_whenInputsForItCome_thenNoStateIsMadeACommandAndACancelAreRefusedAndOnlyANewAttemptIsOffered() {
    String referralId = offer(P1, 1);
    command(referralId, new DeclineReferral(DeclineReason.PERSON_DECLINED, null, null));
    driver.advanceWallClockTime(ENDED.plus(Retention.EVERY));
    assertThat(states.get(referralId)).isNull();
    events.readValuesToList();
    replies.readValuesToList();

    ProviderCommand session = command(referralId, new RecordSession(LocalDate.now(), true, List.of()));
    assertThat(replies.readValuesToList()).singleElement().isInstanceOfSatisfying(CommandReply.class, reply -> {
      assertThat(reply.getCommandId()).isEqualTo(session.getMetadata().getEventId());
      assertThat(reply.getRefusal()).contains("ended (DECLINED)", "archived");
    });
    referral(referralId, new CancelRequested("D82044", "cancel-1"));
    assertThat(events.readValuesToList()).singleElement().satisfies(event -> {
      CancelRefused refused = (CancelRefused) ((ProviderEvent) event).getPayload();
      assertThat(refused.getCancelId()).isEqualTo("cancel-1");
      assertThat(refused.getProviderId()).isEqualTo(P1);
      assertThat(refused.getReason()).contains("archived");
    });
    referral(referralId, new ReferralCancelled(null, "D82044", null));
    offer(referralId, P1, 1); // the same offer again
    budget.pipeInput(referralId, new BudgetDecision(Events.metadata("outcome-service", UUID.fromString(referralId), null),
        UUID.randomUUID().toString(), new FundingReservation("contract-QMM-1", new BigDecimal("250.00"), "2026-27", false)));
    assertThat(states.get(referralId)).isNull();
    assertListsHoldExactly();
    assertThat(events.readValuesToList()).isEmpty();
    assertThat(replies.readValuesToList()).isEmpty();

    offer(referralId, P2, 2);
    assertThat(statusOf(referralId)).isEqualTo(OfferStatus.OFFERED);
    assertThat(states.get(referralId).getOffer().getProviderId()).isEqualTo(P2);
    assertListsHoldExactly(referralId);
    assertThat(driver.<String, String>getKeyValueStore(OfferProcessor.ARCHIVE).get(referralId)).isNull();
  }

  @Test
  void givenArchivedOffers_whenTheIdentitiesPeriodPasses_thenTheirNotesGoAndNothingIsLeft() {
    String first = offer(P1, 1);
    command(first, new DeclineReferral(DeclineReason.CAPACITY, null, null));
    driver.advanceWallClockTime(Duration.ofDays(400));
    String later = offer(P1, 1);
    command(later, new DeclineReferral(DeclineReason.CAPACITY, null, null));
    driver.advanceWallClockTime(ENDED.plus(Retention.EVERY));
    KeyValueStore<String, String> archive = driver.getKeyValueStore(OfferProcessor.ARCHIVE);
    assertThat(all(archive)).containsOnlyKeys(first, later);

    driver.advanceWallClockTime(IDENTITIES.minus(Duration.ofDays(400)).minus(ENDED));
    assertThat(all(archive)).containsOnlyKeys(later);
    driver.advanceWallClockTime(Duration.ofDays(400));
    assertThat(all(archive)).isEmpty();
    assertThat(all(driver.getKeyValueStore(OfferProcessor.ARCHIVE_DUE))).isEmpty();
    assertThat(all(states)).isEmpty();
  }

  @Test
  void givenOffersEndedBeforeTheIndexExisted_whenTheTaskHasRunASecondAndThePeriodPasses_thenTheEndedAreArchived() {
    Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
    String ended = UUID.randomUUID().toString();
    String live = UUID.randomUUID().toString();
    states.put(ended, stored(ended, OfferStatus.COMPLETED, now.minus(Duration.ofDays(100))));
    states.put(live, stored(live, OfferStatus.ACCEPTED, now.minus(Duration.ofDays(100))));

    driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(all(driver.getKeyValueStore(OfferProcessor.ENDED_INDEX))).hasSize(1);
    driver.advanceWallClockTime(Retention.EVERY);
    assertThat(all(states)).containsOnlyKeys(live);
    assertListsHoldExactly(live);
  }

  /**
   * Every list of the providers (all of its offers, by status, by last change) and each one's index hold exactly these
   * offers, each once, as they are now.
   */
  private void assertListsHoldExactly(String... referralIds) {
    for (String store : List.of(ProviderOffers.STORE, ProviderOffers.BY_STATUS.store(), ProviderOffers.CHANGES.store())) {
      Map<String, OfferState> items = all(driver.getKeyValueStore(store));
      assertThat(items.values().stream().map(s -> s.getReferralId().toString())).as(store).containsExactlyInAnyOrder(referralIds);
      for (OfferState s : items.values()) {
        assertThat(s.toString()).isEqualTo(ProviderOffers.listed(states.get(s.getReferralId().toString())).toString());
      }
      assertThat(all(driver.getKeyValueStore(store + "-keys"))).as(store + "-keys").hasSize(referralIds.length);
    }
  }

  private OfferStatus statusOf(String referralId) {
    return states.get(referralId).getStatus();
  }

  private String offer(String provider, int attempt) {
    return offer(UUID.randomUUID().toString(), provider, attempt);
  }

  private String offer(String referralId, String provider, int attempt) {
    providers.put(referralId, provider);
    EventMetadata meta = Events.metadata("referral-service", UUID.fromString(referralId), null);
    referrals.pipeInput(referralId, new ReferralEvent(meta, ProviderOffersTest.offered(provider, attempt)));
    return referralId;
  }

  private OfferState stored(String referralId, OfferStatus status, Instant at) {
    return OfferState.newBuilder().setReferralId(UUID.fromString(referralId)).setStatus(status).setOffer(ProviderOffersTest.offered(P1, 1))
        .setOfferedAt(at).setChangedAt(at).setAccepted(status != OfferStatus.OFFERED).build();
  }

  /** The offer's provider accepts, and the budget reserves the funding. */
  private void accept(String referralId) {
    ProviderCommand accept = command(referralId, new AcceptReferral(null, List.of(), null));
    budget.pipeInput(referralId, new BudgetDecision(Events.metadata("outcome-service", UUID.fromString(referralId), null),
        accept.getMetadata().getEventId().toString(), new FundingReservation("contract-QMM-1", new BigDecimal("250.00"), "2026-27", false)));
  }

  private ProviderCommand command(String referralId, Object command) {
    ProviderCommand sent = new ProviderCommand(Events.metadata("provider-service", UUID.fromString(referralId), null),
        providers.getOrDefault(referralId, P1), command, null);
    commands.pipeInput(referralId, sent);
    return sent;
  }

  private void referral(String referralId, Object payload) {
    referrals.pipeInput(referralId, new ReferralEvent(Events.metadata("referral-service", UUID.fromString(referralId), null), payload));
  }

  private static <V> Map<String, V> all(KeyValueStore<String, V> store) {
    Map<String, V> entries = new HashMap<>();
    try (KeyValueIterator<String, V> it = store.all()) {
      it.forEachRemaining(entry -> entries.put(entry.key, entry.value));
    }
    return entries;
  }
}
