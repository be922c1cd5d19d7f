package org.linkway.outcome.ledger.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.outcome.ledger.stream.ListEntries.committed;
import static org.linkway.outcome.ledger.stream.ListEntries.due;
import static org.linkway.outcome.ledger.stream.ListEntries.outcome;
import static org.linkway.outcome.ledger.stream.ListEntries.state;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.events.EventMetadata;
import org.linkway.events.LedgerEvent;
import org.linkway.events.OutcomeReported;
import org.linkway.outcome.analytics.CommissionerTotals;
import org.linkway.outcome.statements.ReconciliationResults;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.Commissioners;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.GlobalTables;
import org.linkway.platform.streams.PartyView;
import org.linkway.platform.streams.RetentionSettings;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.state.FundingState;

/**
 * Each commissioner's lists of ledger entries and outcomes ({@link CommissionerLists}), driven by
 * {@link TopologyTestDriver} through the commissioner's funding view as {@link FundingTopology} wires them: each entry is
 * kept once however often its referral's state is sent again, newest first, read a page at a time with the cursor,
 * and only in its own commissioner's list; states stored before the lists fill them once; and the lists are kept in
 * the task of the commissioner's funding view, so on the instance requests are routed to by that view.
 */
class CommissionerListsTest {

  private static final Instant MORNING = Instant.parse("2026-11-02T09:00:00Z");

  @TempDir
  Path stateDir;

  @Test
  void givenStatesSentAgainAsTheirLedgersGrow_whenTheListIsRead_thenEachEntryIsThereOnceNewestFirstAndOnlyItsCommissioners() {
    try (TopologyTestDriver driver = listsDriver()) {
      TestInputTopic<String, SpecificRecord> outputs = SelfDescribingAvro.input(driver, "outputs");
      UUID first = UUID.randomUUID();
      UUID second = UUID.randomUUID();
      LedgerEvent committed = committed("QMM", first, MORNING);
      LedgerEvent due = due("QMM", first, MORNING.plusSeconds(60));
      LedgerEvent other = committed("QMM", second, MORNING.plusSeconds(30));
      UUID theirs = UUID.randomUUID();
      LedgerEvent elsewhere = committed("QXW", theirs, MORNING.plusSeconds(45));

      send(outputs, state("QMM", first, List.of(), List.of()));
      send(outputs, state("QMM", first, List.of(committed), List.of()));
      send(outputs, state("QMM", second, List.of(other), List.of()));
      send(outputs, state("QMM", first, List.of(committed, due), List.of()));
      send(outputs, state("QMM", first, List.of(committed, due), List.of()));
      send(outputs, state("QXW", theirs, List.of(elsewhere), List.of()));

      KeyValueStore<String, LedgerEvent> ledger = driver.getKeyValueStore(CommissionerLists.LEDGER.store());
      assertThat(ids(page(ledger, "QMM", null, 10).values())).containsExactly(id(due), id(other), id(committed));
      assertThat(ids(page(ledger, "QXW", null, 10).values())).containsExactly(id(elsewhere));
      assertThat(ids(all(ledger))).as("every entry once, in all").hasSize(4).doesNotHaveDuplicates();
    }
  }

  @Test
  void givenMoreEntriesThanAPage_whenReadPageByPage_thenEachComesOnceNewestFirstAndTheLastPageHasNoCursor() {
    try (TopologyTestDriver driver = listsDriver()) {
      TestInputTopic<String, SpecificRecord> outputs = SelfDescribingAvro.input(driver, "outputs");
      List<LedgerEvent> made = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        UUID referral = UUID.randomUUID();
        LedgerEvent entry = committed("QMM", referral, MORNING.plusSeconds(i));
        made.add(entry);
        send(outputs, state("QMM", referral, List.of(entry), List.of()));
        // another commissioner's entry at each moment, which no page of QMM's shows
        UUID theirs = UUID.randomUUID();
        send(outputs, state("QMM0", theirs, List.of(committed("QMM0", theirs, MORNING.plusSeconds(i))), List.of()));
      }

      KeyValueStore<String, LedgerEvent> ledger = driver.getKeyValueStore(CommissionerLists.LEDGER.store());
      StoreQueries.Page<LedgerEvent> one = page(ledger, "QMM", null, 2);
      StoreQueries.Page<LedgerEvent> two = page(ledger, "QMM", one.next(), 2);
      StoreQueries.Page<LedgerEvent> three = page(ledger, "QMM", two.next(), 2);

      assertThat(ids(one.values())).containsExactly(id(made.get(4)), id(made.get(3)));
      assertThat(ids(two.values())).containsExactly(id(made.get(2)), id(made.get(1)));
      assertThat(ids(three.values())).containsExactly(id(made.get(0)));
      assertThat(one.next()).matches(PartyView.CURSOR);
      assertThat(three.next()).isNull();
    }
  }

  @Test
  void givenOutcomesOfTwoCommissioners_whenTheirListsAreRead_thenEachHoldsItsOwnOnceNewestFirst() {
    try (TopologyTestDriver driver = listsDriver()) {
      TestInputTopic<String, SpecificRecord> outputs = SelfDescribingAvro.input(driver, "outputs");
      UUID a = UUID.randomUUID();
      UUID b = UUID.randomUUID();
      UUID c = UUID.randomUUID();
      OutcomeReported early = outcome("QMM", a, MORNING);
      OutcomeReported late = outcome("QMM", b, MORNING.plusSeconds(3600));
      OutcomeReported theirs = outcome("QXW", c, MORNING.plusSeconds(60));

      send(outputs, state("QMM", a, List.of(), List.of(early)));
      send(outputs, state("QMM", b, List.of(), List.of(late)));
      send(outputs, state("QMM", a, List.of(), List.of(early)));
      send(outputs, state("QXW", c, List.of(), List.of(theirs)));

      KeyValueStore<String, OutcomeReported> outcomes = driver.getKeyValueStore(CommissionerLists.OUTCOMES.store());
      assertThat(StoreQueries.page(outcomes, PartyView.prefix("QMM"), null, 10, o -> true).values())
          .extracting(o -> o.getMetadata().getEventId()).containsExactly(late.getMetadata().getEventId(),
              early.getMetadata().getEventId());
      assertThat(StoreQueries.page(outcomes, PartyView.prefix("QXW"), null, 10, o -> true).values())
          .extracting(o -> o.getMetadata().getEventId()).containsExactly(theirs.getMetadata().getEventId());
    }
  }

  @Test
  void givenFundingStatesStoredBeforeTheLists_whenTheTaskStarts_thenTheListsAreFilledFromThemOnce() {
    try (TopologyTestDriver driver = SelfDescribingAvro.driver(fundingTopology(), "outcome-service-lists-fill-test", stateDir)) {
      UUID referral = UUID.randomUUID();
      LedgerEvent committed = committed("QMM", referral, MORNING);
      LedgerEvent due = due("QMM", referral, MORNING.plusSeconds(60));
      OutcomeReported reported = outcome("QMM", referral, MORNING.plusSeconds(60));
      KeyValueStore<String, FundingState> funding = driver.getKeyValueStore(FundingProcessor.STORE);
      funding.put(referral.toString(), state("QMM", referral, List.of(committed, due), List.of(reported)));

      driver.advanceWallClockTime(Duration.ofSeconds(2));
      driver.advanceWallClockTime(Duration.ofSeconds(2));

      KeyValueStore<String, LedgerEvent> ledger = driver.getKeyValueStore(CommissionerLists.LEDGER.store());
      KeyValueStore<String, OutcomeReported> outcomes = driver.getKeyValueStore(CommissionerLists.OUTCOMES.store());
      assertThat(ids(page(ledger, "QMM", null, 10).values())).containsExactly(id(due), id(committed));
      assertThat(StoreQueries.page(outcomes, PartyView.prefix("QMM"), null, 10, o -> true).values()).singleElement()
          .satisfies(o -> assertThat(o.getMetadata().getEventId()).isEqualTo(reported.getMetadata().getEventId()));
      assertThat(all(ledger)).hasSize(2);
    }
  }

  @Test
  void givenTheFundingTopology_whenDescribed_thenTheListsAreKeptInTheTaskOfTheCommissionersFundingView() {
    Topology topology = fundingTopology().build();

    TopologyDescription.Subtopology withView = topology.describe().subtopologies().stream()
        .filter(s -> stores(s).contains(CommissionerFunding.STORE)).findFirst().orElseThrow();
    assertThat(stores(withView)).contains(CommissionerFunding.STORE, CommissionerTotals.TALLY.store(),
        CommissionerLists.LEDGER.store(), CommissionerLists.OUTCOMES.store(), ReconciliationResults.STORE);
  }

  private static List<String> stores(TopologyDescription.Subtopology subtopology) {
    return subtopology.nodes().stream().filter(n -> n instanceof TopologyDescription.Processor)
        .flatMap(n -> ((TopologyDescription.Processor) n).stores().stream()).toList();
  }

  /** The funding topology as the service wires it, with the contracts' global table it reads. */
  private static StreamsBuilder fundingTopology() {
    AvroSerdes serdes = SelfDescribingAvro.serdes();
    StreamsBuilder builder = new StreamsBuilder();
    GlobalTables.add(builder, serdes, Topics.FUNDING_CONTRACTS);
    new FundingTopology().fundingLedger(builder, serdes, new Commissioners(Map.of()), new ReconciliationResults(),
        RetentionSettings.defaults());
    return builder;
  }

  private TopologyTestDriver listsDriver() {
    StreamsBuilder builder = new StreamsBuilder();
    AvroSerdes serdes = SelfDescribingAvro.serdes();
    CommissionerLists.keep(builder, serdes, CommissionerFunding.keep(builder, serdes,
        SelfDescribingAvro.anyRecords(builder, "outputs"), CommissionerTotals.TALLY));
    return SelfDescribingAvro.driver(builder, "outcome-service-lists-test", stateDir);
  }

  private static StoreQueries.Page<LedgerEvent> page(KeyValueStore<String, LedgerEvent> ledger, String commissioner,
      String after, int limit) {
    return StoreQueries.page(ledger, PartyView.prefix(commissioner), after, limit, e -> true);
  }

  private static <V> List<V> all(KeyValueStore<String, V> store) {
    List<V> values = new ArrayList<>();
    try (KeyValueIterator<String, V> it = store.prefixScan("", new StringSerializer())) {
      it.forEachRemaining(kv -> values.add(kv.value));
    }
    return values;
  }

  private static void send(TestInputTopic<String, SpecificRecord> outputs, FundingState state) {
    outputs.pipeInput(state.getReferralId().toString(), state);
  }

  private static UUID id(LedgerEvent e) {
    return e.getMetadata().getEventId();
  }

  private static List<UUID> ids(List<LedgerEvent> entries) {
    return entries.stream().map(LedgerEvent::getMetadata).map(EventMetadata::getEventId).toList();
  }
}
