package org.linkway.outcome.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.events.FundingCommitted;
import org.linkway.events.FundingReleased;
import org.linkway.events.LedgerEvent;
import org.linkway.events.PaymentDue;
import org.linkway.outcome.ledger.domain.FundingRules;
import org.linkway.outcome.ledger.stream.CommissionerFunding;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.streams.Tally;
import org.linkway.platform.testing.SelfDescribingAvro;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;

/**
 * A commissioner's totals, kept as its referrals' funding changes, are always what counting its referrals' latest
 * funding states gives: referrals by status, the money committed, due and released, referrals by month and stage.
 * On Kafka Streams' test driver, through the commissioner's funding view and its tally.
 */
class CommissionerTotalsTest {

  private static final List<String> COMMISSIONERS = List.of("QMM", "QXW");
  private static final List<String> MONTHS = List.of("2026-03-14T10:00:00Z", "2026-04-01T09:00:00Z",
      "2026-04-30T23:30:00Z", "2026-10-25T00:30:00Z");

  @TempDir
  Path stateDir;

  @Test
  void givenTheAprilReferralsArrivingStepByStep_whenTallied_thenTheTotalsAreThoseOfTheirLatestStates() {
    try (TopologyTestDriver driver = driver()) {
      TestInputTopic<String, SpecificRecord> outputs = SelfDescribingAvro.input(driver, "outputs");
      List<FundingState> april = FundingStates.april();
      for (FundingState end : april) {
        // first as submitted, with nothing in its ledger, then as it is now, then the same again
        send(outputs, FundingState.newBuilder(end).setStatus(ReferralStatus.SUBMITTED).setLedger(List.of()).build());
        send(outputs, end);
        send(outputs, end);
      }

      CommissionerTotals.Totals totals = CommissionerTotals.totals(cells(driver, "QMM"));
      assertThat(totals.byStatus()).containsEntry("COMPLETED", 4L).containsEntry("ACCEPTED", 2L)
          .containsEntry("OFFERED", 1L).containsEntry("DECLINED", 1L).containsEntry("CANCELLED", 1L)
          .containsEntry("UNPLACED", 1L).containsEntry("SUBMITTED", 1L);
      assertThat(totals.committed()).isEqualByComparingTo("560.00");
      assertThat(totals.due()).isEqualByComparingTo("330.01");
      assertThat(totals.released()).isEqualByComparingTo("189.99");
      assertThat(totals).isEqualTo(counted(april));
      assertThat(CommissionerTotals.byMonth(cells(driver, "QMM"))).isEqualTo(StatusByMonth.of(april));
    }
  }

  @Test
  void givenThousandsOfRandomChangesOfTwoCommissionersReferrals_whenTallied_thenAlwaysWhatCountingTheirStatesGives() {
    Random random = new Random(20261206L);
    try (TopologyTestDriver driver = driver()) {
      TestInputTopic<String, SpecificRecord> outputs = SelfDescribingAvro.input(driver, "outputs");
      List<UUID> referrals = new ArrayList<>();
      for (int i = 0; i < 40; i++) referrals.add(UUID.randomUUID());
      Map<UUID, FundingState> latest = new HashMap<>();
      for (int step = 1; step <= 3_000; step++) {
        UUID referral = referrals.get(random.nextInt(referrals.size()));
        FundingState state = randomState(random, referral, COMMISSIONERS.get(referrals.indexOf(referral) % 2));
        send(outputs, state);
        latest.put(referral, state);
        if (step % 250 == 0) {
          for (String commissioner : COMMISSIONERS) {
            List<FundingState> theirs = latest.values().stream().filter(s -> s.getCommissioner().equals(commissioner)).toList();
            Map<String, List<BigDecimal>> cells = cells(driver, commissioner);
            assertThat(CommissionerTotals.totals(cells)).as("%s after %d changes", commissioner, step).isEqualTo(counted(theirs));
            assertThat(CommissionerTotals.byMonth(cells)).as("%s after %d changes", commissioner, step)
                .isEqualTo(StatusByMonth.of(theirs));
            assertTaskTotalsAreThoseOfEveryState(driver, latest.values());
            for (int months = 1; months <= MONTHS.size() + 1; months++) {
              assertThat(latestMonths(driver, commissioner, months)).as("%s, %d months, after %d changes", commissioner, months, step)
                  .isEqualTo(latest(StatusByMonth.of(theirs), months));
            }
          }
        }
      }
    }
  }

  @Test
  void givenAViewThatHeldStatesBeforeItsTally_whenTheTaskStarts_thenTheTallyIsFilledFromThemOnce() {
    try (TopologyTestDriver driver = driver()) {
      KeyValueStore<String, FundingState> view = driver.getKeyValueStore(CommissionerFunding.STORE);
      List<FundingState> april = FundingStates.april();
      april.forEach(s -> view.put(s.getCommissioner() + "|" + s.getReferralId(), s));
      assertThat(cells(driver, "QMM")).isEmpty();

      driver.advanceWallClockTime(Duration.ofSeconds(1));
      assertThat(CommissionerTotals.totals(cells(driver, "QMM"))).isEqualTo(counted(april));
      // a change after the fill counts once; a second second fills nothing again
      FundingState changed = FundingState.newBuilder(april.get(3)).setStatus(ReferralStatus.CANCELLED).build();
      send(SelfDescribingAvro.input(driver, "outputs"), changed);
      driver.advanceWallClockTime(Duration.ofSeconds(1));
      List<FundingState> now = new ArrayList<>(april);
      now.set(3, changed);
      assertThat(CommissionerTotals.totals(cells(driver, "QMM"))).isEqualTo(counted(now));
      assertTaskTotalsAreThoseOfEveryState(driver, now);
    }
  }

  private TopologyTestDriver driver() {
    StreamsBuilder builder = new StreamsBuilder();
    CommissionerFunding.keep(builder, SelfDescribingAvro.serdes(), SelfDescribingAvro.anyRecords(builder, "outputs"),
        CommissionerTotals.TALLY, CommissionerTotals.IN_TASK);
    return SelfDescribingAvro.driver(builder, "outcome-service-totals-test", stateDir);
  }

  private static Map<String, List<BigDecimal>> cells(TopologyTestDriver driver, String commissioner) {
    KeyValueStore<String, String> sums = driver.getKeyValueStore(CommissionerTotals.TALLY.store());
    return Tally.of(sums, commissioner);
  }

  /**
   * The task's totals (the driver runs one task) are the money of every state, whichever its commissioner, and each
   * commissioner's count of states; the gauge reads one cell of them, the reconciliation one key per commissioner.
   */
  private static void assertTaskTotalsAreThoseOfEveryState(TopologyTestDriver driver, java.util.Collection<FundingState> states) {
    KeyValueStore<String, String> kept = driver.getKeyValueStore(CommissionerTotals.IN_TASK.store());
    List<String> read = new ArrayList<>();
    StoreQueries stores = mock(StoreQueries.class);
    doAnswer(call -> {
      java.util.function.BiConsumer<String, String> action = call.getArgument(3);
      try (KeyValueIterator<String, String> it = kept.range(call.getArgument(1), call.getArgument(2))) {
        it.forEachRemaining(e -> {
          read.add(e.key);
          action.accept(e.key, e.value);
        });
      }
      return null;
    }).when(stores).forEachEntry(eq(CommissionerTotals.IN_TASK.store()), anyString(), anyString(), any());
    when(stores.keys(eq(CommissionerTotals.IN_TASK.store()), anyString(), anyString())).thenAnswer(call -> {
      List<String> keys = new ArrayList<>();
      try (KeyValueIterator<String, String> it = kept.range(call.getArgument(1), call.getArgument(2))) {
        it.forEachRemaining(e -> keys.add(e.key));
      }
      read.addAll(keys);
      return keys;
    });

    CommissionerTotals.Totals all = counted(List.copyOf(states));
    assertThat(CommissionerTotals.moneyHere(stores)).usingElementComparator(BigDecimal::compareTo)
        .containsExactly(all.committed(), all.due(), all.released());
    assertThat(read).as("the gauge reads the task's money cell alone").hasSizeLessThanOrEqualTo(1);

    read.clear();
    Map<String, Long> byCommissioner = new TreeMap<>();
    states.forEach(s -> byCommissioner.merge(s.getCommissioner(), 1L, Long::sum));
    assertThat(CommissionerTotals.commissionersHere(stores)).containsExactlyElementsOf(byCommissioner.keySet());
    assertThat(read).as("one key per commissioner").hasSize(byCommissioner.size());
    Map<String, List<BigDecimal>> task = Tally.of(kept, "task");
    byCommissioner.forEach((code, count) ->
        assertThat(task.get("commissioner|" + code)).containsExactly(BigDecimal.valueOf(count)));
  }

  /** {@link CommissionerTotals#byMonth(org.linkway.platform.streams.StoreQueries, String, int)} of the driver's tally. */
  private static StatusByMonth latestMonths(TopologyTestDriver driver, String commissioner, int months) {
    KeyValueStore<String, String> sums = driver.getKeyValueStore(CommissionerTotals.TALLY.store());
    List<String> read = new ArrayList<>();
    StatusByMonth answer = CommissionerTotals.byMonth((prefix, action) -> StoreQueries.scan(sums, prefix, null, true,
        (String cell, String text) -> read.add(cell) && action.test(cell, text)), commissioner, months);
    // the months shown, each at most one cell per stage, and one cell more where it stopped
    assertThat(read.size()).isLessThanOrEqualTo((months + 1) * StatusByMonth.Stage.values().length + 1);
    return answer;
  }

  /** The rows of the latest {@code months} months of {@code all} (by month, oldest first), and the undated row. */
  private static StatusByMonth latest(StatusByMonth all, int months) {
    List<StatusByMonth.Month> dated = all.months().stream().filter(m -> !m.month().equals(Breakdown.UNKNOWN)).toList();
    List<StatusByMonth.Month> shown = new ArrayList<>(dated.subList(Math.max(0, dated.size() - months), dated.size()));
    all.months().stream().filter(m -> m.month().equals(Breakdown.UNKNOWN)).forEach(shown::add);
    return new StatusByMonth(shown);
  }

  private static void send(TestInputTopic<String, SpecificRecord> outputs, FundingState state) {
    outputs.pipeInput(state.getReferralId().toString(), state);
  }

  /** The totals as the summary counted them from every state, before they were kept. */
  private static CommissionerTotals.Totals counted(List<FundingState> states) {
    Map<String, Long> byStatus = new TreeMap<>();
    for (ReferralStatus status : ReferralStatus.values()) {
      if (status != ReferralStatus.UNKNOWN) byStatus.put(status.name(), 0L);
    }
    states.forEach(s -> byStatus.merge(s.getStatus().name(), 1L, Long::sum));
    return new CommissionerTotals.Totals(byStatus, total(states, FundingCommitted.class), total(states, PaymentDue.class),
        total(states, FundingReleased.class));
  }

  private static BigDecimal total(List<FundingState> states, Class<?> type) {
    return states.stream().map(s -> FundingRules.sum(s.getLedger(), type)).reduce(BigDecimal.ZERO.setScale(2), BigDecimal::add);
  }

  private static FundingState randomState(Random random, UUID referral, String commissioner) {
    ReferralStatus[] statuses = ReferralStatus.values();
    List<LedgerEvent> ledger = FundingStates.randomLedger(random, referral, commissioner);
    int month = random.nextInt(MONTHS.size() + 1);
    return FundingState.newBuilder().setReferralId(referral).setCommissioner(commissioner)
        .setStatus(statuses[random.nextInt(statuses.length)])
        .setSubmittedAt(month == MONTHS.size() ? null : Instant.parse(MONTHS.get(month)))
        .setLedger(ledger).setOutcomes(new ArrayList<>()).setAppliedEventIds(new ArrayList<>()).build();
  }
}
