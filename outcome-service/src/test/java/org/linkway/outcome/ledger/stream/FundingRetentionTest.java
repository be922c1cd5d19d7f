package org.linkway.outcome.ledger.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
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
import org.linkway.events.Completion;
import org.linkway.events.ContractAgreed;
import org.linkway.events.EventMetadata;
import org.linkway.events.FundingReservation;
import org.linkway.events.NeedCode;
import org.linkway.events.Patient;
import org.linkway.events.ProviderEvent;
import org.linkway.events.ReferralAccepted;
import org.linkway.events.ReferralCancelled;
import org.linkway.events.ReferralCompleted;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.Referrer;
import org.linkway.events.TimeCreditsEarned;
import org.linkway.outcome.analytics.BreakdownCells;
import org.linkway.outcome.analytics.CommissionerTotals;
import org.linkway.outcome.opendata.OpenDataEntries;
import org.linkway.outcome.statements.ReconciliationResults;
import org.linkway.outcome.statements.StatementLines;
import org.linkway.outcome.timecredits.TimeCreditTotals;
import org.linkway.outcome.timecredits.Wallets;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Commissioners;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.GlobalTables;
import org.linkway.platform.streams.Retention;
import org.linkway.platform.streams.RetentionSettings;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;

/**
 * Ended referrals' funding leaves the hot stores in time ({@link Retention}, {@link FundingProcessor}), on
 * {@link TopologyTestDriver}'s wall clock with the topology as {@link FundingTopology} wires it, fed the referrals'
 * journeys on {@code referrals} and {@code provider-events}: the state and every per-referral entry of the views kept
 * from it (the commissioner's funding view, ledger and outcome lists, the open-data entries) stay until
 * {@code linkway.retention.ended} after the end and are gone after it, a note kept; every tally kept beside the views
 * (totals, statement lines and totals, Time Credits, breakdown, open-data cells and months) is the same, byte for byte;
 * the archived figures hold what left; the person's wallet keeps its entries; a live referral is untouched; an input
 * for an archived referral (redelivered, late, a cancel) pays nothing and makes no state; the note goes
 * {@code linkway.retention.identities} after the end.
 */
class FundingRetentionTest {

  private static final Duration ENDED = Duration.ofDays(90);
  private static final Duration IDENTITIES = Duration.ofDays(2922);
  private static final String CONTRACT = "qmm-p1-2026";
  private static final String PERSON = "p-0123456789abcdef";
  private static final List<NeedCode> NEEDS = List.of(NeedCode.LONELINESS);

  /** Every store kept beside a view from its values, whose figures an archived referral keeps. */
  private static final List<String> TALLIES = List.of(CommissionerTotals.TALLY.store(), StatementLines.LINES.store(),
      StatementLines.TOTALS.store(), TimeCreditTotals.TALLY.store(), BreakdownCells.TALLY.store(),
      OpenDataEntries.CELLS.store());

  @TempDir
  Path stateDir;

  private TopologyTestDriver driver;
  private TestInputTopic<String, SpecificRecord> referrals;
  private TestInputTopic<String, SpecificRecord> providerEvents;
  private TestOutputTopic<String, SpecificRecord> ledger;
  private Instant now;

  @BeforeEach
  void setUp() {
    AvroSerdes serdes = SelfDescribingAvro.serdes();
    StreamsBuilder builder = new StreamsBuilder();
    GlobalTables.add(builder, serdes, Topics.FUNDING_CONTRACTS);
    new FundingTopology().fundingLedger(builder, serdes, new Commissioners(Map.of()), new ReconciliationResults(),
        new RetentionSettings(ENDED, IDENTITIES));
    driver = SelfDescribingAvro.driver(builder, "outcome-service-retention-test", stateDir);
    SelfDescribingAvro.input(driver, Topics.FUNDING_CONTRACTS).pipeInput(CONTRACT, contract());
    referrals = SelfDescribingAvro.input(driver, Topics.REFERRALS);
    providerEvents = SelfDescribingAvro.input(driver, Topics.PROVIDER_EVENTS);
    ledger = SelfDescribingAvro.output(driver, Topics.FUNDING_LEDGER);
    now = Instant.now();
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  @Test
  void givenEndedReferralsAndLiveOnes_whenThePeriodPasses_thenTheEndedLeaveEveryViewAndEveryTallyStaysTheSame() {
    Random random = new Random(61206L);
    List<UUID> ended = new ArrayList<>();
    List<UUID> live = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      UUID referral = UUID.randomUUID();
      journey(referral, random.nextInt(4), random);
      (endedIn(referral) ? ended : live).add(referral);
    }
    assertThat(ended).hasSizeGreaterThan(10);
    assertThat(live).hasSizeGreaterThan(5);
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    Map<String, Map<String, String>> tallies = tallies();
    Map<String, String> wallets = entries(Wallets.STORE);
    Map<String, String> months = entries(OpenDataEntries.MONTHS);
    assertThat(tallies.values()).allMatch(cells -> !cells.isEmpty());
    FundingState liveBefore = state(live.get(0));

    driver.advanceWallClockTime(ENDED.minus(Duration.ofMinutes(2)));
    assertThat(entries(FundingProcessor.STORE)).hasSize(40);
    assertThat(entries(CommissionerFunding.STORE)).hasSize(40);
    assertThat(entries(ArchivedFunding.STORE)).isEmpty();

    driver.advanceWallClockTime(Duration.ofMinutes(2).plus(Retention.EVERY));

    assertThat(entries(FundingProcessor.STORE).keySet()).containsExactlyInAnyOrderElementsOf(ids(live));
    assertThat(entries(CommissionerFunding.STORE).keySet()).containsExactlyInAnyOrderElementsOf(
        live.stream().map(id -> "QMM|" + id).toList());
    assertThat(referralsIn(CommissionerLists.LEDGER.store())).containsExactlyInAnyOrderElementsOf(
        live.stream().filter(id -> !state(id).getLedger().isEmpty()).map(UUID::toString).toList());
    assertThat(referralsIn(CommissionerLists.OUTCOMES.store())).isEmpty();
    assertThat(entries(OpenDataEntries.STORE).keySet()).allMatch(key -> live.stream().anyMatch(id -> key.endsWith("|" + id)))
        .hasSize(live.size());
    assertThat(entries(FundingProcessor.ENDED)).isEmpty();
    assertThat(tallies()).as("every tally, byte for byte").isEqualTo(tallies);
    assertThat(entries(Wallets.STORE)).as("the wallets: the person's").isEqualTo(wallets);
    assertThat(entries(OpenDataEntries.MONTHS)).isEqualTo(months);
    // compared as text: Avro's equals fails on a uuid inside a union (the ledger's)
    assertThat(state(live.get(0)).toString()).isEqualTo(liveBefore.toString());

    KeyValueStore<String, String> archive = driver.getKeyValueStore(ArchivedFunding.STORE);
    for (UUID id : ended) {
      ArchivedFunding note = ArchivedFunding.parse(archive.get(id.toString()));
      assertThat(note.commissioner()).isEqualTo("QMM");
      assertThat(note.status()).isIn("COMPLETED", "CANCELLED");
      assertThat(Duration.between(note.endedAt(), note.archivedAt())).isBetween(ENDED, ENDED.plus(Duration.ofMinutes(3)));
      assertThat(note.explained(id.toString())).contains("ended (" + note.status() + ") on").contains("archived 90 days later");
    }
  }

  @Test
  void givenReferralsEnded_whenArchived_thenTheArchivedFiguresHoldWhatLeftAndWithTheLiveOnesMakeTheTotals() {
    Random random = new Random(7L);
    for (int i = 0; i < 30; i++) journey(UUID.randomUUID(), random.nextInt(4), random);
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    List<FundingState> all = new ArrayList<>(values(FundingProcessor.STORE));
    List<BigDecimal> archivedExpected = List.of(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
    long endedCount = 0;
    for (FundingState s : all) {
      if (s.getEndedAt() == null) continue;
      endedCount++;
      archivedExpected = List.of(archivedExpected.get(0).add(org.linkway.outcome.ledger.domain.FundingRules.committed(s)),
          archivedExpected.get(1).add(org.linkway.outcome.ledger.domain.FundingRules.due(s)),
          archivedExpected.get(2).add(org.linkway.outcome.ledger.domain.FundingRules.released(s)));
    }

    driver.advanceWallClockTime(ENDED.plus(Retention.EVERY));

    ArchivedFunding.Figures archived = ArchivedFunding.figures(
        org.linkway.platform.streams.Tally.of(driver.getKeyValueStore(ArchivedFunding.TALLY.store()), "QMM"));
    assertThat(archived.referrals()).isEqualTo(endedCount);
    assertThat(List.of(archived.committed(), archived.due(), archived.released()))
        .usingElementComparator(BigDecimal::compareTo).containsExactlyElementsOf(archivedExpected);
  }

  @Test
  void givenAnArchivedReferral_whenItsEventsAreReadAgainOrLate_thenNothingIsCommittedOrPaidAndNoStateIsMade() {
    UUID referral = UUID.randomUUID();
    ReferralEvent submitted = submitted(referral);
    ProviderEvent accepted = accepted(referral);
    ProviderEvent completed = completed(referral, 3);
    referrals.pipeInput(referral.toString(), submitted);
    providerEvents.pipeInput(referral.toString(), accepted);
    providerEvents.pipeInput(referral.toString(), completed);
    assertThat(ledger.readValuesToList()).hasSize(3); // committed, engagement and completion due
    UUID other = UUID.randomUUID();
    referrals.pipeInput(other.toString(), submitted(other));
    driver.advanceWallClockTime(ENDED.plus(Retention.EVERY));
    assertThat(entries(FundingProcessor.STORE).keySet()).containsExactly(other.toString());

    // redelivered, and new: an acceptance read again under another id, a completion again, a cancel
    referrals.pipeInput(referral.toString(), submitted);
    providerEvents.pipeInput(referral.toString(), accepted);
    providerEvents.pipeInput(referral.toString(), completed);
    providerEvents.pipeInput(referral.toString(), accepted(referral));
    providerEvents.pipeInput(referral.toString(), completed(referral, 5));
    referrals.pipeInput(referral.toString(), new ReferralEvent(meta(referral), new ReferralCancelled(null, "D82044", null)));

    assertThat(ledger.readValuesToList()).as("nothing committed, due or released again").isEmpty();
    assertThat(entries(FundingProcessor.STORE).keySet()).containsExactly(other.toString());
    assertThat(entries(CommissionerFunding.STORE).keySet()).containsExactly("QMM|" + other);
    assertThat(entries(ArchivedFunding.STORE)).containsOnlyKeys(referral.toString());

    // the live one is still decided
    providerEvents.pipeInput(other.toString(), accepted(other));
    assertThat(ledger.readValuesToList()).hasSize(2);
  }

  @Test
  void givenAnArchivedReferral_whenTheIdentitiesPeriodPasses_thenItsNoteGoes() {
    UUID referral = UUID.randomUUID();
    journey(referral, 2, new Random(1L));
    driver.advanceWallClockTime(ENDED.plus(Retention.EVERY));
    assertThat(entries(ArchivedFunding.STORE)).containsOnlyKeys(referral.toString());
    assertThat(entries(FundingProcessor.ARCHIVE_DUE)).hasSize(1);

    driver.advanceWallClockTime(IDENTITIES.minus(ENDED).minus(Duration.ofMinutes(3)));
    assertThat(entries(ArchivedFunding.STORE)).containsOnlyKeys(referral.toString());
    driver.advanceWallClockTime(Duration.ofMinutes(3).plus(Retention.EVERY));
    assertThat(entries(ArchivedFunding.STORE)).isEmpty();
    assertThat(entries(FundingProcessor.ARCHIVE_DUE)).isEmpty();
  }

  @Test
  void givenStatesThatEndedBeforeTheirEndWasKept_whenTheirEndIsAskedFor_thenItIsTheLastTimeWrittenForThem() {
    UUID referral = UUID.randomUUID();
    Instant submittedAt = Instant.parse("2025-01-06T09:00:00Z");
    Instant acceptedAt = submittedAt.plus(Duration.ofDays(3));
    Instant paidAt = submittedAt.plus(Duration.ofDays(40));
    FundingState live = FundingState.newBuilder(ListEntries.state("QMM", referral,
            List.of(ListEntries.committed("QMM", referral, acceptedAt), ListEntries.due("QMM", referral, paidAt)), List.of()))
        .setSubmittedAt(submittedAt).setAcceptedAt(acceptedAt).build();
    assertThat(FundingProcessor.endedAt(live)).as("live").isEmpty();

    FundingState completed = FundingState.newBuilder(live).setStatus(ReferralStatus.COMPLETED).build();
    assertThat(FundingProcessor.endedAt(completed)).as("its last entry").contains(paidAt);
    FundingState cancelledUnpaid = FundingState.newBuilder(completed).setStatus(ReferralStatus.CANCELLED)
        .setLedger(List.of()).build();
    assertThat(FundingProcessor.endedAt(cancelledUnpaid)).as("its acceptance").contains(acceptedAt);
    FundingState unplaced = FundingState.newBuilder(cancelledUnpaid).setStatus(ReferralStatus.UNPLACED)
        .setAcceptedAt(null).setSubmittedAt(null).build();
    assertThat(FundingProcessor.endedAt(unplaced)).as("no time at all").contains(Instant.EPOCH);
    assertThat(FundingProcessor.endedAt(FundingState.newBuilder(completed).setEndedAt(paidAt.plusSeconds(60)).build()))
        .as("kept").contains(paidAt.plusSeconds(60));
  }

  /**
   * A referral's journey: 0 submitted and accepted (live), 1 submitted only (live), 2 completed after its sessions,
   * with Time Credits, 3 cancelled after acceptance.
   */
  private void journey(UUID referral, int kind, Random random) {
    referrals.pipeInput(referral.toString(), submitted(referral));
    if (kind == 1) return;
    providerEvents.pipeInput(referral.toString(), accepted(referral));
    if (kind == 0) return;
    if (kind == 2) {
      providerEvents.pipeInput(referral.toString(), new ProviderEvent(meta(referral), new TimeCreditsEarned("p1", "svc-1",
          "QMM", PERSON + random.nextInt(3), LocalDate.ofInstant(now, ZoneOffset.UTC), new BigDecimal("2.00"),
          new BigDecimal("2.00"), null)));
      providerEvents.pipeInput(referral.toString(), completed(referral, 2 + random.nextInt(3)));
    } else {
      referrals.pipeInput(referral.toString(), new ReferralEvent(meta(referral), new ReferralCancelled(null, "D82044", null)));
    }
  }

  private boolean endedIn(UUID referral) {
    return state(referral).getEndedAt() != null;
  }

  private FundingState state(UUID referral) {
    return driver.<String, FundingState>getKeyValueStore(FundingProcessor.STORE).get(referral.toString());
  }

  private static ContractAgreed contract() {
    return ContractAgreed.newBuilder()
        .setMetadata(Events.metadata("outcome-service", null, null))
        .setContractId(CONTRACT).setCommissioner("QMM").setProviderId("p1").setServiceIds(List.of())
        .setValidFrom(LocalDate.of(2026, 4, 1)).setValidTo(LocalDate.of(2027, 3, 31)).setCurrency("GBP")
        .setEngagementFee(new BigDecimal("50.00")).setCompletionFee(new BigDecimal("150.00")).setCompletionMinSessions(3)
        .build();
  }

  private EventMetadata meta(UUID referral) {
    return EventMetadata.newBuilder(Events.metadata("test", referral, null)).setOccurredAt(now).build();
  }

  private ReferralEvent submitted(UUID referral) {
    return new ReferralEvent(meta(referral), new ReferralSubmitted(PERSON,
        new Patient("9434765919", "Ada", "Lovelace", LocalDate.of(1950, 12, 10), "NR1 3SR", null, null), null, "NR1", 75,
        true, new Referrer("D82044", null), "QMM", NEEDS, null, null, null, null, false, null, null));
  }

  private ProviderEvent accepted(UUID referral) {
    return new ProviderEvent(meta(referral), new ReferralAccepted("p1", "svc-1", "QMM", PERSON, NEEDS,
        new FundingReservation(CONTRACT, new BigDecimal("200.00"), "2026-27", false)));
  }

  private ProviderEvent completed(UUID referral, int sessions) {
    return new ProviderEvent(meta(referral), new ReferralCompleted("p1", "svc-1", "QMM", PERSON, NEEDS,
        Completion.COMPLETED, sessions, List.of(), List.of(), 0));
  }

  /** Every tally's store, key to text as stored. */
  private Map<String, Map<String, String>> tallies() {
    Map<String, Map<String, String>> all = new LinkedHashMap<>();
    for (String store : TALLIES) all.put(store, entries(store));
    return all;
  }

  private Map<String, String> entries(String store) {
    Map<String, String> entries = new TreeMap<>();
    try (KeyValueIterator<String, Object> it = driver.<String, Object>getKeyValueStore(store).all()) {
      it.forEachRemaining(entry -> entries.put(entry.key, String.valueOf(entry.value)));
    }
    return entries;
  }

  private List<FundingState> values(String store) {
    List<FundingState> values = new ArrayList<>();
    try (KeyValueIterator<String, FundingState> it = driver.<String, FundingState>getKeyValueStore(store).all()) {
      it.forEachRemaining(entry -> values.add(entry.value));
    }
    return values;
  }

  /** The referrals whose entries a commissioner's list holds. */
  private List<String> referralsIn(String list) {
    List<String> referrals = new ArrayList<>();
    try (KeyValueIterator<String, SpecificRecord> it = driver.<String, SpecificRecord>getKeyValueStore(list).all()) {
      it.forEachRemaining(entry -> {
        EventMetadata meta = (EventMetadata) entry.value.get(0);
        String id = String.valueOf(meta.getReferralId());
        if (!referrals.contains(id)) referrals.add(id);
      });
    }
    return referrals;
  }

  private static List<String> ids(List<UUID> referrals) {
    return referrals.stream().map(UUID::toString).toList();
  }
}
