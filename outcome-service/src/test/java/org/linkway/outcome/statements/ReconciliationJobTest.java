package org.linkway.outcome.statements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.when;
import static org.linkway.outcome.statements.Ledgers.referral;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.events.BudgetAgreed;
import org.linkway.events.Milestone;
import org.linkway.outcome.analytics.CommissionerTotals;
import org.linkway.outcome.ledger.stream.CommissionerFunding;
import org.linkway.platform.domain.Funding;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.testing.ReferenceTables;
import org.linkway.platform.web.ProblemException;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;

/**
 * The reconciliation job checks the ledgers again from the funding states the commissioner's view holds (on Kafka
 * Streams' test driver), keeps each commissioner's result with when it ran, and runs when it is due: at first, after
 * its period, when the partitions it holds change, and when asked.
 */
class ReconciliationJobTest {

  private static final Duration EVERY = Duration.ofMinutes(15);

  @TempDir
  Path stateDir;

  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-06T09:00:00Z"));
  private final AtomicReference<Set<String>> held = new AtomicReference<>(Set.of("1_0", "1_1"));
  private final Map<String, BudgetAgreed> budgets = new HashMap<>();

  @Test
  void givenCleanLedgers_whenTheJobRuns_thenEachCommissionerIsCleanWithTheRunningTotalsMatchedAndWhenItRan() {
    List<FundingState> states = List.of(
        referral().status(ReferralStatus.COMPLETED).at("2026-04-02T09:00:00Z").committed("200.00")
            .due(Milestone.ENGAGEMENT, "50.00").due(Milestone.COMPLETION, "150.00").build(),
        referral().at("2026-04-03T09:00:00Z").committed("120.00").due(Milestone.ENGAGEMENT, "20.00").build(),
        referral().commissioner("QXW").status(ReferralStatus.CANCELLED).at("2026-05-01T09:00:00Z").committed("10.00")
            .released("10.00").build());
    try (StatementViews views = StatementViews.of(stateDir, states)) {
      ReconciliationJob job = job(views);
      assertThatThrownBy(() -> job.last("QMM")).isInstanceOf(ProblemException.Unavailable.class);

      job.tick();

      ReconciliationRun qmm = job.last("QMM");
      assertThat(qmm.clean()).isTrue();
      assertThat(qmm.ranAt()).isEqualTo(now.get());
      assertThat(qmm.totals()).isEqualTo(new Reconciliation.Totals(2, new BigDecimal("320.00"), new BigDecimal("220.00"),
          new BigDecimal("0.00"), new BigDecimal("100.00")));
      assertThat(qmm.invariant(Reconciliation.MATCHES_RUNNING_TOTALS).holds()).isTrue();
      assertThat(qmm.invariants()).hasSize(6).allMatch(Reconciliation.Invariant::holds);
      assertThat(job.last("QXW").clean()).isTrue();
      assertThat(job.last("QXW").totals().referralsChecked()).isEqualTo(1);
    }
  }

  @Test
  void givenAStateTamperedWithInTheView_whenTheJobRuns_thenTheBreachIsReportedAndTheTotalsNoLongerMatch() {
    FundingState honest = referral().at("2026-04-02T09:00:00Z").committed("100.00").due(Milestone.ENGAGEMENT, "40.00").build();
    try (StatementViews views = StatementViews.of(stateDir, List.of(honest))) {
      ReconciliationJob job = job(views);
      job.tick();
      assertThat(job.last("QMM").clean()).isTrue();

      // the same referral with a second payment of the milestone, written into the view behind its keeper's back
      FundingState tampered = referral(honest.getReferralId().toString()).at("2026-04-02T09:00:00Z").committed("100.00")
          .due(Milestone.ENGAGEMENT, "40.00").due(Milestone.ENGAGEMENT, "70.00").build();
      KeyValueStore<String, FundingState> view = views.driver.getKeyValueStore(CommissionerFunding.STORE);
      view.put("QMM|" + honest.getReferralId(), tampered);
      String requested = job.request("QMM").toString();
      job.tick();

      ReconciliationRun run = job.last("QMM");
      assertThat(run.clean()).isFalse();
      assertThat(run.ranAt()).isAfterOrEqualTo(Instant.parse(requested));
      assertThat(run.invariant(Reconciliation.DUE_WITHIN_COMMITTED).breaches()).extracting(Reconciliation.Breach::detail)
          .containsExactly("due 110.00 exceeds committed 100.00");
      assertThat(run.invariant(Reconciliation.DUE_WITHIN_COMMITTED).referralIds()).containsExactly(honest.getReferralId().toString());
      assertThat(run.invariant(Reconciliation.MILESTONE_DUE_AT_MOST_ONCE).holds()).isFalse();
      assertThat(run.invariant(Reconciliation.MATCHES_RUNNING_TOTALS).breaches()).extracting(Reconciliation.Breach::detail)
          .containsExactly("checked 1 referrals, committed 100.00, due 110.00, released 0.00; running totals 1 referrals,"
              + " committed 100.00, due 40.00, released 0.00");
    }
  }

  @Test
  void givenAJobThatRan_whenItTicksAgain_thenItRunsOnlyAfterItsPeriodWhenThePartitionsMoveOrWhenAsked() {
    try (StatementViews views = StatementViews.of(stateDir, List.of(
        referral().at("2026-04-02T09:00:00Z").committed("100.00").build()))) {
      ReconciliationJob job = job(views);
      held.set(null);
      job.tick();
      assertThatThrownBy(() -> job.last("QMM")).as("not while Kafka Streams does not run")
          .isInstanceOf(ProblemException.Unavailable.class);

      held.set(Set.of("1_0"));
      job.tick();
      Instant first = now.get();
      assertThat(job.last("QMM").ranAt()).isEqualTo(first);
      // a commissioner with no referral here: that of no referral, as of the last run over all
      budgets.put(Funding.budgetKey("QZZ", "2026-27"), new BudgetAgreed(Events.metadata("outcome-service", null, null), "QZZ",
          "2026-27", new BigDecimal("5.00"), "GBP"));
      assertThat(job.last("QZZ").totals().referralsChecked()).isZero();
      assertThat(job.last("QZZ").ranAt()).isEqualTo(first);
      assertThat(job.last("QZZ").clean()).isTrue();

      now.set(first.plus(EVERY).minusSeconds(1));
      job.tick();
      assertThat(job.last("QMM").ranAt()).as("before its period").isEqualTo(first);

      now.set(first.plus(EVERY));
      job.tick();
      assertThat(job.last("QMM").ranAt()).as("after its period").isEqualTo(now.get());

      now.set(now.get().plusSeconds(5));
      held.set(Set.of("1_0", "1_1"));
      assertThatThrownBy(() -> job.last("QZZ")).as("the partitions moved since the last run over all")
          .isInstanceOf(ProblemException.Unavailable.class);
      job.tick();
      assertThat(job.last("QMM").ranAt()).as("when the partitions move").isEqualTo(now.get());

      now.set(now.get().plusSeconds(5));
      job.request("QMM");
      job.tick();
      assertThat(job.last("QMM").ranAt()).as("when asked").isEqualTo(now.get());
    }
  }

  @Test
  void givenHundredsOfRandomLedgers_whenTheJobRuns_thenItsChecksAreThoseOfTheStatesAndTheTotalsMatch() {
    Random random = new Random(61206L);
    List<FundingState> states = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Ledgers l = referral(new UUID(random.nextLong(), random.nextLong()).toString())
          .commissioner(i % 3 == 0 ? "QXW" : "QMM").status(ReferralStatus.values()[random.nextInt(7)]).at("2026-04-02T09:00:00Z")
          .committed(random.nextInt(200) + ".00");
      for (int e = random.nextInt(4); e > 0; e--) {
        if (random.nextBoolean()) l.due(Milestone.values()[random.nextInt(3)], random.nextInt(100) + ".50");
        else l.released(random.nextInt(100) + ".25");
      }
      states.add(l.build());
    }
    budgets.put(Funding.budgetKey("QMM", "2026-27"), new BudgetAgreed(Events.metadata("outcome-service", null, null), "QMM",
        "2026-27", new BigDecimal("9000.00"), "GBP"));
    try (StatementViews views = StatementViews.of(stateDir, states)) {
      ReconciliationJob job = job(views);
      job.tick();
      for (String c : List.of("QMM", "QXW")) {
        Reconciliation expected = Reconciliation.of(c, states, job.budgetByYear(c));
        ReconciliationRun run = job.last(c);
        assertThat(run.totals()).isEqualTo(expected.totals());
        assertThat(run.invariants().subList(0, 5)).isEqualTo(expected.invariants());
        assertThat(run.notChecked()).isEqualTo(expected.notChecked());
        assertThat(run.invariant(Reconciliation.MATCHES_RUNNING_TOTALS).holds()).isTrue();
        assertThat(run.clean()).isEqualTo(expected.clean());
      }
      assertThat(job.last("QMM").clean()).as("random ledgers break something").isFalse();
    }
  }

  @Test
  void givenARunKeptInTheCommissionersTask_whenANewInstanceRestoresTheStore_thenItAnswersThatRunBeforeRunningAgain() {
    List<FundingState> states = List.of(
        referral().at("2026-04-02T09:00:00Z").committed("200.00").due(Milestone.ENGAGEMENT, "50.00").build(),
        referral().commissioner("QXW").at("2026-04-03T09:00:00Z").committed("20.00").due(Milestone.ENGAGEMENT, "20.00")
            .due(Milestone.ENGAGEMENT, "20.00").build());
    Map<String, ReconciliationRun> ran = new HashMap<>();
    List<TestRecord<String, String>> changelog;
    try (StatementViews views = StatementViews.of(stateDir.resolve("first"), states)) {
      ReconciliationJob job = job(views);
      job.tick();
      for (String c : List.of("QMM", "QXW")) ran.put(c, job.last(c));
      assertThat(views.driver.getKeyValueStore(ReconciliationResults.STORE).get("QMM")).as("kept within a second").isNull();

      views.driver.advanceWallClockTime(Duration.ofSeconds(1));

      KeyValueStore<String, String> kept = views.driver.getKeyValueStore(ReconciliationResults.STORE);
      for (String c : List.of("QMM", "QXW")) assertThat(ReconciliationResults.parse(kept.get(c))).isEqualTo(ran.get(c));
      changelog = views.driver.createOutputTopic(StatementViews.APPLICATION + "-" + ReconciliationResults.STORE + "-changelog",
          new StringDeserializer(), new StringDeserializer()).readRecordsToList();
    }
    assertThat(changelog).extracting(TestRecord::key).containsExactlyInAnyOrder("QMM", "QXW");

    // a new instance, its disk empty: the store restored from its changelog, the job not run there yet
    now.set(now.get().plus(Duration.ofMinutes(3)));
    try (StatementViews views = StatementViews.of(stateDir.resolve("second"), states)) {
      KeyValueStore<String, String> restored = views.driver.getKeyValueStore(ReconciliationResults.STORE);
      changelog.forEach(record -> restored.put(record.key(), record.value()));
      ReconciliationJob job = job(views);

      for (String c : List.of("QMM", "QXW")) {
        ReconciliationRun run = job.last(c);
        assertThat(run).isEqualTo(ran.get(c));
        assertThat(run.ranAt()).isEqualTo(Instant.parse("2026-12-06T09:00:00Z"));
        assertThat(run.tookMs()).isEqualTo(ran.get(c).tookMs());
      }
      assertThat(job.last("QXW").clean()).isFalse();
      assertThat(job.last("QMM").invariants()).hasSize(6).allMatch(Reconciliation.Invariant::holds);

      // its first run replaces them
      job.tick();
      assertThat(job.last("QMM").ranAt()).isEqualTo(now.get());
      views.driver.advanceWallClockTime(Duration.ofSeconds(1));
      assertThat(ReconciliationResults.parse(restored.get("QMM")).ranAt()).isEqualTo(now.get());
    }
  }

  @Test
  void givenARunHandedOverForACommissionerNoTaskHere_whenTheTasksPunctuate_thenItIsNotKeptAndStillAnswered() {
    try (StatementViews views = StatementViews.of(stateDir, List.of(referral().at("2026-04-02T09:00:00Z").committed("1.00").build()))) {
      ReconciliationJob job = job(views);
      job.tick();
      job.request("QZZ");
      job.tick();
      views.driver.advanceWallClockTime(Duration.ofSeconds(1));

      KeyValueStore<String, String> kept = views.driver.getKeyValueStore(ReconciliationResults.STORE);
      assertThat(kept.get("QMM")).isNotNull();
      assertThat(kept.get("QZZ")).as("no funding state of QZZ in this task: not its partition").isNull();
      assertThat(job.last("QZZ").totals().referralsChecked()).isZero();
    }
  }

  @Test
  void givenTheRunningTotalsReadHalfChanged_whenTheJobRuns_thenItRunsAgainAndTheLedgerIsClean() {
    try (StatementViews views = StatementViews.of(stateDir, twoCleanReferrals())) {
      AtomicInteger tornReads = new AtomicInteger(2); // both reads of the first run, so that it looks steady
      ReconciliationJob job = job(views, statusCellsReadTorn(views, tornReads));

      job.tick();

      assertThat(tornReads.get()).as("the torn reads were made").isLessThanOrEqualTo(0);
      ReconciliationRun qmm = job.last("QMM");
      assertThat(qmm.invariant(Reconciliation.MATCHES_RUNNING_TOTALS).holds()).isTrue();
      assertThat(qmm.clean()).isTrue();
    }
  }

  @Test
  void givenTheRunningTotalsWrongAtEveryRead_whenTheJobRuns_thenTheBreachIsReportedAfterItsRuns() {
    try (StatementViews views = StatementViews.of(stateDir, twoCleanReferrals())) {
      AtomicInteger tornReads = new AtomicInteger(Integer.MAX_VALUE);
      ReconciliationJob job = job(views, statusCellsReadTorn(views, tornReads));

      job.tick();

      assertThat(Integer.MAX_VALUE - tornReads.get()).as("reads of the status cells: two a run")
          .isEqualTo(2 * ReconciliationJob.RUNS_OF_A_TOTALS_BREACH);
      ReconciliationRun qmm = job.last("QMM");
      assertThat(qmm.clean()).isFalse();
      assertThat(qmm.invariant(Reconciliation.MATCHES_RUNNING_TOTALS).holds()).isFalse();
      assertThat(qmm.invariant(Reconciliation.MATCHES_RUNNING_TOTALS).breaches().get(0).detail())
          .contains("checked 2 referrals").contains("running totals 1 referrals");
    }
  }

  private static List<FundingState> twoCleanReferrals() {
    return List.of(referral().status(ReferralStatus.COMPLETED).at("2026-04-02T09:00:00Z").committed("200.00")
            .due(Milestone.ENGAGEMENT, "50.00").due(Milestone.COMPLETION, "150.00").build(),
        referral().at("2026-04-03T09:00:00Z").committed("120.00").due(Milestone.ENGAGEMENT, "20.00").build());
  }

  /**
   * The view's stores, but the commissioner's status cells read as a change half made shows them (one referral taken
   * from its status and not yet counted in the next) while {@code tornReads} is above 0, each read counting it down.
   */
  private static StoreQueries statusCellsReadTorn(StatementViews views, AtomicInteger tornReads) {
    StoreQueries real = views.stores();
    StoreQueries torn = views.stores();
    when(torn.entriesWithPrefix(eq(CommissionerTotals.TALLY.store()), anyString(), anyString())).thenAnswer(call -> {
      String prefix = call.getArgument(2);
      Map<String, Object> cells = new LinkedHashMap<>(real.entriesWithPrefix(call.getArgument(0), call.getArgument(1), prefix));
      if (prefix.endsWith("status|") && tornReads.getAndDecrement() > 0) {
        String first = cells.keySet().iterator().next();
        cells.put(first, new BigDecimal((String) cells.get(first)).subtract(BigDecimal.ONE).toPlainString());
      }
      return cells;
    });
    return torn;
  }

  private ReconciliationJob job(StatementViews views) {
    return job(views, views.stores());
  }

  private ReconciliationJob job(StatementViews views, StoreQueries stores) {
    ReconciliationJob job = new ReconciliationJob(stores, ReferenceTables.of(budgets), views.results, held::get, EVERY, now::get);
    job.betweenRunsOfATotalsBreach = Duration.ZERO;
    return job;
  }
}
