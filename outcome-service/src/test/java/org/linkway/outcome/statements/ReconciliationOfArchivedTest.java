package org.linkway.outcome.statements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.outcome.statements.Ledgers.referral;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.events.BudgetAgreed;
import org.linkway.events.Milestone;
import org.linkway.outcome.analytics.BreakdownCells;
import org.linkway.outcome.analytics.CommissionerTotals;
import org.linkway.outcome.ledger.stream.ArchivedFunding;
import org.linkway.outcome.ledger.stream.CommissionerFunding;
import org.linkway.platform.domain.Funding;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.testing.ReferenceTables;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;

/**
 * The reconciliation of a commissioner some of whose referrals were archived (their states sent on to leave the view,
 * as FundingProcessor does): the running totals keep their figures, the archived figures gain them, and the job
 * checks every rule on each live state and the live states plus the archived figures against the totals: clean after
 * pruning, and still catching a mismatch planted in the view or in the archived figures.
 */
class ReconciliationOfArchivedTest {

  @TempDir
  Path stateDir;

  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-06T09:00:00Z"));
  private final Map<String, BudgetAgreed> budgets = new HashMap<>();

  @Test
  void givenRandomLedgersSomeArchived_whenTheJobRuns_thenTheLiveAreCheckedAndWithTheArchivedTheyMatchTheTotals() {
    Random random = new Random(20261206L);
    List<FundingState> live = new ArrayList<>();
    List<FundingState> archived = new ArrayList<>();
    List<FundingState> states = new ArrayList<>();
    for (int i = 0; i < 200; i++) states.add(settled(random, i % 4 == 0 ? "QXW" : "QMM"));
    try (StatementViews views = StatementViews.of(stateDir, states)) {
      Map<String, Map<String, List<BigDecimal>>> totalsBefore = Map.of("QMM", cells(views, "QMM"), "QXW", cells(views, "QXW"));
      for (FundingState s : states) {
        if (s.getStatus() != ReferralStatus.ACCEPTED && random.nextInt(3) > 0) {
          views.archive(s);
          archived.add(s);
        } else {
          live.add(s);
        }
      }
      assertThat(archived).hasSizeGreaterThan(50);
      ReconciliationJob job = job(views);
      job.tick();

      for (String c : List.of("QMM", "QXW")) {
        assertThat(cells(views, c)).as("the running totals keep the archived").isEqualTo(totalsBefore.get(c));
        Reconciliation expected = Reconciliation.of(c, live, job.budgetByYear(c));
        ReconciliationRun run = job.last(c);
        assertThat(run.clean()).isTrue();
        assertThat(run.totals()).isEqualTo(expected.totals());
        assertThat(run.invariants().subList(0, 5)).isEqualTo(expected.invariants());
        assertThat(run.invariant(Reconciliation.MATCHES_RUNNING_TOTALS).holds()).isTrue();
        Reconciliation.Totals ofArchived = Reconciliation.of(c, archived).totals();
        assertThat(run.archived()).isEqualTo(ofArchived);
      }
    }
  }

  @Test
  void givenArchivedReferrals_whenAMismatchIsPlantedInTheViewOrInTheArchivedFigures_thenTheTotalsNoLongerMatch() {
    FundingState kept = referral().status(ReferralStatus.ACCEPTED).committed("100.00").due(Milestone.ENGAGEMENT, "40.00").build();
    FundingState gone = referral().status(ReferralStatus.COMPLETED).committed("200.00").due(Milestone.ENGAGEMENT, "50.00")
        .due(Milestone.COMPLETION, "150.00").build();
    try (StatementViews views = StatementViews.of(stateDir, List.of(kept, gone))) {
      views.archive(gone);
      ReconciliationJob job = job(views);
      job.tick();
      assertThat(job.last("QMM").clean()).isTrue();
      assertThat(job.last("QMM").totals().referralsChecked()).isEqualTo(1);
      assertThat(job.last("QMM").archived().referralsChecked()).isEqualTo(1);

      // the archived referral's figures lost behind the keeper's back
      KeyValueStore<String, String> archivedCells = views.driver.getKeyValueStore(ArchivedFunding.TALLY.store());
      String money = archivedCells.get("QMM|money");
      archivedCells.put("QMM|money", "200.00;0.00;0.00");
      job.request("QMM");
      job.tick();
      ReconciliationRun run = job.last("QMM");
      assertThat(run.clean()).isFalse();
      assertThat(run.invariant(Reconciliation.MATCHES_RUNNING_TOTALS).breaches()).extracting(Reconciliation.Breach::detail)
          .containsExactly("checked 1 referrals, committed 100.00, due 40.00, released 0.00; archived 1 referrals, committed"
              + " 200.00, due 0.00, released 0.00; running totals 2 referrals, committed 300.00, due 240.00, released 0.00");

      // put back, and a live state tampered with in the view instead
      archivedCells.put("QMM|money", money);
      KeyValueStore<String, FundingState> view = views.driver.getKeyValueStore(CommissionerFunding.STORE);
      view.put("QMM|" + kept.getReferralId(), referral(kept.getReferralId().toString()).status(ReferralStatus.ACCEPTED)
          .committed("100.00").due(Milestone.ENGAGEMENT, "40.00").due(Milestone.ENGAGEMENT, "40.00").build());
      job.request("QMM");
      job.tick();
      run = job.last("QMM");
      assertThat(run.invariant(Reconciliation.MATCHES_RUNNING_TOTALS).holds()).isFalse();
      assertThat(run.invariant(Reconciliation.MILESTONE_DUE_AT_MOST_ONCE).holds()).isFalse();
    }
  }

  @Test
  void givenABudgetTheLiveReferralsKeepWithinButTheArchivedTakePast_whenTheJobRuns_thenWithinBudgetIsBreached() {
    FundingState kept = referral().status(ReferralStatus.ACCEPTED).year("2026-27").committed("100.00").build();
    FundingState gone = referral().status(ReferralStatus.COMPLETED).year("2026-27").committed("200.00")
        .due(Milestone.ENGAGEMENT, "50.00").due(Milestone.COMPLETION, "150.00").build();
    FundingState goneReleased = referral().status(ReferralStatus.CANCELLED).year("2026-27").committed("500.00")
        .released("500.00").build();
    budgets.put(Funding.budgetKey("QMM", "2026-27"), new BudgetAgreed(Events.metadata("outcome-service", null, null), "QMM",
        "2026-27", new BigDecimal("250.00"), "GBP"));
    try (StatementViews views = StatementViews.of(stateDir, List.of(kept, gone, goneReleased))) {
      views.archive(gone);
      views.archive(goneReleased);
      ReconciliationJob job = job(views);
      job.tick();

      ReconciliationRun run = job.last("QMM");
      assertThat(run.invariant(Reconciliation.MATCHES_RUNNING_TOTALS).holds()).isTrue();
      assertThat(run.invariant(Reconciliation.WITHIN_BUDGET).breaches()).extracting(Reconciliation.Breach::detail)
          .as("100.00 held by the live one, 200.00 by the archived, none by the one released")
          .containsExactly("2026-27: committed - released = 300.00 exceeds the budget 250.00");
      assertThat(run.clean()).isFalse();

      budgets.put(Funding.budgetKey("QMM", "2026-27"), new BudgetAgreed(Events.metadata("outcome-service", null, null), "QMM",
          "2026-27", new BigDecimal("300.00"), "GBP"));
      job.request("QMM");
      job.tick();
      assertThat(job.last("QMM").clean()).isTrue();
    }
  }

  @Test
  void givenEveryReferralOfACommissionerArchived_whenTheJobRuns_thenItsResultIsKeptInItsTask() {
    FundingState gone = referral().status(ReferralStatus.CANCELLED).committed("80.00").released("80.00").build();
    try (StatementViews views = StatementViews.of(stateDir, List.of(gone))) {
      views.archive(gone);
      assertThat(views.driver.<String, FundingState>getKeyValueStore(CommissionerFunding.STORE).get("QMM|" + gone.getReferralId()))
          .isNull();
      ReconciliationJob job = job(views);
      job.tick();
      views.driver.advanceWallClockTime(Duration.ofSeconds(1));

      ReconciliationRun kept = ReconciliationResults.parse(
          views.driver.<String, String>getKeyValueStore(ReconciliationResults.STORE).get("QMM"));
      assertThat(kept.clean()).isTrue();
      assertThat(kept.totals().referralsChecked()).isZero();
      assertThat(kept.archived().referralsChecked()).isEqualTo(1);
      assertThat(kept.archived().released()).isEqualByComparingTo("80.00");
    }
  }

  /** A referral's ledger as the rules leave it: ended ones settled, live ones with something still reserved. */
  private static FundingState settled(Random random, String commissioner) {
    int kind = random.nextInt(3);
    Ledgers l = referral(new UUID(random.nextLong(), random.nextLong()).toString()).commissioner(commissioner)
        .at("2026-0" + (4 + random.nextInt(5)) + "-02T09:00:00Z").committed("200.00").due(Milestone.ENGAGEMENT, "50.00");
    return switch (kind) {
      case 0 -> l.status(ReferralStatus.ACCEPTED).build();
      case 1 -> l.status(ReferralStatus.COMPLETED).due(Milestone.COMPLETION, "150.00").build();
      default -> l.status(ReferralStatus.CANCELLED).released("150.00").build();
    };
  }

  /** The commissioner's running totals and breakdown cells, as stored. */
  private static Map<String, List<BigDecimal>> cells(StatementViews views, String commissioner) {
    Map<String, List<BigDecimal>> cells = new HashMap<>();
    cells.putAll(org.linkway.platform.streams.Tally.of(views.driver.getKeyValueStore(CommissionerTotals.TALLY.store()), commissioner));
    org.linkway.platform.streams.Tally.of(views.driver.getKeyValueStore(BreakdownCells.TALLY.store()), commissioner)
        .forEach((cell, n) -> cells.put("breakdown|" + cell, n));
    return cells;
  }

  private ReconciliationJob job(StatementViews views) {
    return new ReconciliationJob(views.stores(), ReferenceTables.of(budgets), views.results, () -> Set.of("1_0"),
        Duration.ofMinutes(15), now::get);
  }
}
