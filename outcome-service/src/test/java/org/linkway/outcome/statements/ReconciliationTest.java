package org.linkway.outcome.statements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.outcome.statements.Ledgers.money;
import static org.linkway.outcome.statements.Ledgers.referral;
import static org.linkway.outcome.statements.Reconciliation.CLOSED_REFERRALS_SETTLED;
import static org.linkway.outcome.statements.Reconciliation.DUE_AND_RELEASED_WITHIN_COMMITTED;
import static org.linkway.outcome.statements.Reconciliation.DUE_WITHIN_COMMITTED;
import static org.linkway.outcome.statements.Reconciliation.MILESTONE_DUE_AT_MOST_ONCE;
import static org.linkway.outcome.statements.Reconciliation.WITHIN_BUDGET;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.linkway.events.Milestone;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;

class ReconciliationTest {

  /** A commissioner's ledger as the funding rules write it: every invariant holds. */
  private static List<FundingState> cleanLedger() {
    return new ArrayList<>(List.of(
        // completed with both fees earned
        referral().status(ReferralStatus.COMPLETED).committed("200.00")
            .due(Milestone.ENGAGEMENT, "50.00").due(Milestone.COMPLETION, "150.00").build(),
        // completed too early: the completion fee released
        referral().status(ReferralStatus.COMPLETED).committed("200.00")
            .due(Milestone.ENGAGEMENT, "50.00").released("150.00").build(),
        // cancelled after acceptance
        referral().status(ReferralStatus.CANCELLED).committed("200.00")
            .due(Milestone.ENGAGEMENT, "50.00").released("150.00").build(),
        // the person declined after acceptance
        referral().status(ReferralStatus.DECLINED).committed("200.00")
            .due(Milestone.ENGAGEMENT, "50.00").released("150.00").build(),
        // never placed: nothing committed
        referral().status(ReferralStatus.UNPLACED).build(),
        // still open: 150.00 reserved
        referral().status(ReferralStatus.ACCEPTED).committed("200.00").due(Milestone.ENGAGEMENT, "50.00").build(),
        // offered, not yet accepted
        referral().status(ReferralStatus.OFFERED).build()));
  }

  private static void assertOnlyBroken(Reconciliation r, String id, String... invariants) {
    assertThat(r.clean()).isFalse();
    List<String> broken = List.of(invariants);
    assertThat(r.invariants()).allSatisfy(i -> {
      if (broken.contains(i.name())) {
        assertThat(i.holds()).as(i.name()).isFalse();
        assertThat(i.referralIds()).as(i.name()).containsExactly(id);
        assertThat(i.breaches()).as(i.name()).singleElement().satisfies(b -> {
          assertThat(b.referralId()).isEqualTo(id);
          assertThat(b.detail()).isNotBlank();
        });
      } else {
        assertThat(i.holds()).as(i.name()).isTrue();
        assertThat(i.referralIds()).as(i.name()).isEmpty();
      }
    });
  }

  @Test
  void givenALedgerAsTheRulesWriteIt_whenReconciled_thenEveryInvariantHoldsAndTheTotalsAddUp() {
    Reconciliation r = Reconciliation.of("QMM", cleanLedger());

    assertThat(r.clean()).isTrue();
    assertThat(r.commissioner()).isEqualTo("QMM");
    assertThat(r.currency()).isEqualTo("GBP");
    assertThat(r.invariants()).extracting(Reconciliation.Invariant::name).containsExactly(
        DUE_WITHIN_COMMITTED, DUE_AND_RELEASED_WITHIN_COMMITTED, MILESTONE_DUE_AT_MOST_ONCE, CLOSED_REFERRALS_SETTLED,
        WITHIN_BUDGET);
    assertThat(r.invariants()).allSatisfy(i -> {
      assertThat(i.holds()).isTrue();
      assertThat(i.referralIds()).isEmpty();
      assertThat(i.rule()).isNotBlank();
    });
    assertThat(r.totals().referralsChecked()).isEqualTo(7);
    assertThat(r.totals().committed()).isEqualTo(money("1000.00"));
    assertThat(r.totals().due()).isEqualTo(money("400.00"));
    assertThat(r.totals().released()).isEqualTo(money("450.00"));
    assertThat(r.totals().reserved()).isEqualTo(money("150.00"));
  }

  @Test
  void givenNoBudget_whenReconciled_thenTheBudgetCheckOfTheYearIsReportedAsNotChecked() {
    Reconciliation r = Reconciliation.of("QMM", cleanLedger());

    assertThat(r.notChecked()).singleElement().satisfies(n -> {
      assertThat(n.name()).isEqualTo("withinBudget 2026-27");
      assertThat(n.rule()).contains("budget");
      assertThat(n.reason()).isEqualTo("not checked: no budget set for 2026-27");
    });
    assertThat(r.invariant(WITHIN_BUDGET).holds()).isTrue();
    assertThat(r.clean()).isTrue();
  }

  // ---- the budget of each financial year: committed − released <= budget ----

  private static Map<String, BigDecimal> budgets(String... yearsAndAmounts) {
    Map<String, BigDecimal> budgets = new java.util.HashMap<>();
    for (int i = 0; i < yearsAndAmounts.length; i += 2) budgets.put(yearsAndAmounts[i], money(yearsAndAmounts[i + 1]));
    return budgets;
  }

  @Test
  void givenABudgetThatCoversExactlyWhatIsHeld_whenReconciled_thenWithinBudgetHoldsAndNothingIsLeftUnchecked() {
    // held = committed 1000.00 − released 450.00: what is due stays spent
    Reconciliation r = Reconciliation.of("QMM", cleanLedger(), budgets("2026-27", "550.00"));

    assertThat(r.invariant(WITHIN_BUDGET).holds()).isTrue();
    assertThat(r.invariant(WITHIN_BUDGET).breaches()).isEmpty();
    assertThat(r.notChecked()).isEmpty();
    assertThat(r.clean()).isTrue();
  }

  @Test
  void givenABudgetOnePennyShortOfWhatIsHeld_whenReconciled_thenWithinBudgetIsBreachedForThatYear() {
    Reconciliation r = Reconciliation.of("QMM", cleanLedger(), budgets("2026-27", "549.99"));

    assertThat(r.clean()).isFalse();
    Reconciliation.Invariant withinBudget = r.invariant(WITHIN_BUDGET);
    assertThat(withinBudget.holds()).isFalse();
    assertThat(withinBudget.referralIds()).as("the year breaks it, not one referral").isEmpty();
    assertThat(withinBudget.breaches()).singleElement().satisfies(b -> {
      assertThat(b.referralId()).isNull();
      assertThat(b.detail()).isEqualTo("2026-27: committed - released = 550.00 exceeds the budget 549.99");
    });
    assertThat(r.invariants()).filteredOn(i -> !i.name().equals(WITHIN_BUDGET)).allSatisfy(i -> assertThat(i.holds()).isTrue());
    assertThat(r.notChecked()).isEmpty();
  }

  @Test
  void givenReferralsInTwoFinancialYears_whenOnlyOneHasABudget_thenItIsCheckedAloneAndTheOtherIsListedAsNotChecked() {
    FundingState lastYear = referral().status(ReferralStatus.COMPLETED).year("2025-26").at("2026-02-10T10:00:00Z")
        .committed("300.00").due(Milestone.ENGAGEMENT, "100.00").released("200.00").build();
    FundingState thisYear = referral().status(ReferralStatus.ACCEPTED).year("2026-27").committed("200.00").build();

    Reconciliation r = Reconciliation.of("QMM", List.of(lastYear, thisYear), budgets("2026-27", "200.00"));

    assertThat(r.invariant(WITHIN_BUDGET).holds()).isTrue();
    assertThat(r.notChecked()).singleElement().satisfies(n -> {
      assertThat(n.name()).isEqualTo("withinBudget 2025-26");
      assertThat(n.reason()).isEqualTo("not checked: no budget set for 2025-26");
    });
    assertThat(r.clean()).isTrue();

    Reconciliation both = Reconciliation.of("QMM", List.of(lastYear, thisYear), budgets("2026-27", "200.00", "2025-26", "99.99"));

    assertThat(both.notChecked()).isEmpty();
    assertThat(both.invariant(WITHIN_BUDGET).breaches()).singleElement().satisfies(b ->
        assertThat(b.detail()).isEqualTo("2025-26: committed - released = 100.00 exceeds the budget 99.99"));
  }

  @Test
  void givenFundingReleasedInTheNextFinancialYear_whenReconciled_thenItComesBackToTheYearItWasCommittedIn() {
    FundingState crossing = referral().status(ReferralStatus.CANCELLED).year("2025-26")
        .at("2026-03-20T10:00:00Z").committed("200.00").due(Milestone.ENGAGEMENT, "50.00")
        .at("2026-04-20T10:00:00Z").released("150.00").build();

    Reconciliation r = Reconciliation.of("QMM", List.of(crossing), budgets("2025-26", "50.00", "2026-27", "0.00"));

    assertThat(r.invariant(WITHIN_BUDGET).holds()).isTrue();
    assertThat(r.notChecked()).isEmpty();
    assertThat(r.clean()).isTrue();
  }

  /** 23:30 UTC on 31 March 2026 is 00:30 BST on 1 April: an entry without a recorded year is in 2026-27. */
  @Test
  void givenEntriesWithoutARecordedYear_whenReconciled_thenTheUkDateTheyWereWrittenOnDecidesTheirYear() {
    FundingState beforeMidnight = referral().at("2026-03-31T22:30:00Z").committed("10.00").build();
    FundingState afterMidnight = referral().at("2026-03-31T23:30:00Z").committed("20.00").build();

    Reconciliation r = Reconciliation.of("QMM", List.of(beforeMidnight, afterMidnight),
        budgets("2025-26", "10.00", "2026-27", "19.99"));

    assertThat(r.invariant(WITHIN_BUDGET).breaches()).singleElement().satisfies(b ->
        assertThat(b.detail()).isEqualTo("2026-27: committed - released = 20.00 exceeds the budget 19.99"));
  }

  @Test
  void givenABudgetForAYearWithNothingCommitted_whenReconciled_thenThereIsNothingToCheckOrReport() {
    Reconciliation r = Reconciliation.of("QMM", List.of(), budgets("2026-27", "0.00"));

    assertThat(r.invariant(WITHIN_BUDGET).holds()).isTrue();
    assertThat(r.notChecked()).isEmpty();
    assertThat(r.clean()).isTrue();
  }

  @Test
  void givenAnotherCommissionersReferrals_whenReconciledAgainstOurBudget_thenTheyAreNotCountedAgainstIt() {
    FundingState theirs = referral().commissioner("QHM").year("2026-27").committed("1000.00").build();
    FundingState ours = referral().year("2026-27").committed("100.00").build();

    Reconciliation r = Reconciliation.of("QMM", List.of(theirs, ours), budgets("2026-27", "100.00"));

    assertThat(r.invariant(WITHIN_BUDGET).holds()).isTrue();
  }

  @Test
  void givenMoreDueThanCommitted_whenReconciled_thenThatReferralBreaksDueWithinCommitted() {
    FundingState overpaid = referral().status(ReferralStatus.ACCEPTED).committed("50.00")
        .due(Milestone.ENGAGEMENT, "50.00").due(Milestone.COMPLETION, "0.01").build();

    Reconciliation r = Reconciliation.of("QMM", with(overpaid));

    // due > committed implies due + released > committed
    assertOnlyBroken(r, overpaid.getReferralId().toString(), DUE_WITHIN_COMMITTED, DUE_AND_RELEASED_WITHIN_COMMITTED);
    assertThat(r.invariant(DUE_WITHIN_COMMITTED).breaches().get(0).detail())
        .isEqualTo("due 50.01 exceeds committed 50.00");
  }

  @Test
  void givenMoreDueAndReleasedThanCommitted_whenReconciled_thenThatReferralBreaksDueAndReleasedWithinCommitted() {
    FundingState overReleased = referral().status(ReferralStatus.ACCEPTED).committed("200.00")
        .due(Milestone.ENGAGEMENT, "50.00").released("150.01").build();

    Reconciliation r = Reconciliation.of("QMM", with(overReleased));

    assertOnlyBroken(r, overReleased.getReferralId().toString(), DUE_AND_RELEASED_WITHIN_COMMITTED);
    assertThat(r.invariant(DUE_AND_RELEASED_WITHIN_COMMITTED).breaches().get(0).detail())
        .isEqualTo("due 50.00 + released 150.01 = 200.01 exceeds committed 200.00");
  }

  @Test
  void givenAMilestoneDueTwice_whenReconciled_thenThatReferralBreaksMilestoneDueAtMostOnce() {
    FundingState twice = referral().status(ReferralStatus.ACCEPTED).committed("200.00")
        .due(Milestone.ENGAGEMENT, "50.00").due(Milestone.ENGAGEMENT, "50.00").build();

    Reconciliation r = Reconciliation.of("QMM", with(twice));

    assertOnlyBroken(r, twice.getReferralId().toString(), MILESTONE_DUE_AT_MOST_ONCE);
    assertThat(r.invariant(MILESTONE_DUE_AT_MOST_ONCE).breaches().get(0).detail()).isEqualTo("ENGAGEMENT due 2 times");
  }

  @ParameterizedTest
  @EnumSource(value = ReferralStatus.class, names = {"COMPLETED", "CANCELLED", "DECLINED", "UNPLACED"})
  void givenAClosedReferralWithMoneyStillReserved_whenReconciled_thenItBreaksClosedReferralsSettled(ReferralStatus closed) {
    FundingState unsettled = referral().status(closed).committed("200.00").due(Milestone.ENGAGEMENT, "50.00")
        .released("149.99").build();

    Reconciliation r = Reconciliation.of("QMM", with(unsettled));

    assertOnlyBroken(r, unsettled.getReferralId().toString(), CLOSED_REFERRALS_SETTLED);
    assertThat(r.invariant(CLOSED_REFERRALS_SETTLED).breaches().get(0).detail())
        .isEqualTo(closed + ": committed 200.00 but due 50.00 + released 149.99 = 199.99");
    assertThat(r.totals().reserved()).isEqualTo(money("150.01"));
  }

  @ParameterizedTest
  @EnumSource(value = ReferralStatus.class, names = {"SUBMITTED", "OFFERED", "ACCEPTED"})
  void givenAnOpenReferralWithMoneyReserved_whenReconciled_thenItIsNotRequiredToBeSettled(ReferralStatus open) {
    FundingState reserved = referral().status(open).committed("200.00").due(Milestone.ENGAGEMENT, "50.00").build();

    Reconciliation r = Reconciliation.of("QMM", with(reserved));

    assertThat(r.clean()).isTrue();
    assertThat(r.totals().reserved()).isEqualTo(money("300.00"));
  }

  @Test
  void givenThreeThirdsAndAPenny_whenReconciled_thenTheReferralIsSettledToThePenny() {
    FundingState thirds = referral().status(ReferralStatus.COMPLETED).committed("100.00")
        .due(Milestone.ENGAGEMENT, "33.33").due(Milestone.COMPLETION, "33.33").due(Milestone.OUTCOME, "33.33")
        .released("0.01").build();

    Reconciliation r = Reconciliation.of("QMM", List.of(thirds));

    assertThat(r.clean()).isTrue();
    assertThat(r.totals().due()).isEqualTo(money("99.99"));
    assertThat(r.totals().released()).isEqualTo(money("0.01"));
    assertThat(r.totals().reserved()).isEqualTo(money("0.00"));
  }

  @Test
  void givenThreeThirdsWithoutThePenny_whenReconciled_thenTheMissingPennyIsFound() {
    FundingState thirds = referral().status(ReferralStatus.COMPLETED).committed("100.00")
        .due(Milestone.ENGAGEMENT, "33.33").due(Milestone.COMPLETION, "33.33").due(Milestone.OUTCOME, "33.33").build();

    Reconciliation r = Reconciliation.of("QMM", List.of(thirds));

    assertThat(r.clean()).isFalse();
    assertThat(r.invariant(CLOSED_REFERRALS_SETTLED).referralIds()).containsExactly(thirds.getReferralId().toString());
    assertThat(r.totals().reserved()).isEqualTo(money("0.01"));
  }

  @Test
  void givenAnotherCommissionersBrokenLedger_whenReconciled_thenItIsNeitherCheckedNorCounted() {
    FundingState theirs = referral().commissioner("QHM").status(ReferralStatus.COMPLETED).committed("10.00")
        .due(Milestone.ENGAGEMENT, "20.00").due(Milestone.ENGAGEMENT, "20.00").build();

    Reconciliation r = Reconciliation.of("QMM", with(theirs));

    assertThat(r.clean()).isTrue();
    assertThat(r.totals().referralsChecked()).isEqualTo(7);
    assertThat(r.totals().committed()).isEqualTo(money("1000.00"));
  }

  @Test
  void givenSeveralBrokenReferrals_whenReconciled_thenEachIsNamedUnderEachInvariantItBreaks() {
    FundingState a = referral("00000000-0000-0000-0000-00000000000a").status(ReferralStatus.CANCELLED)
        .committed("200.00").due(Milestone.ENGAGEMENT, "50.00").due(Milestone.ENGAGEMENT, "50.00").build();
    FundingState b = referral("00000000-0000-0000-0000-00000000000b").status(ReferralStatus.COMPLETED)
        .committed("200.00").due(Milestone.ENGAGEMENT, "50.00").build();

    Reconciliation r = Reconciliation.of("QMM", with(b, a));

    assertThat(r.invariant(MILESTONE_DUE_AT_MOST_ONCE).referralIds())
        .containsExactly("00000000-0000-0000-0000-00000000000a");
    assertThat(r.invariant(CLOSED_REFERRALS_SETTLED).referralIds())
        .containsExactly("00000000-0000-0000-0000-00000000000a", "00000000-0000-0000-0000-00000000000b");
    assertThat(r.invariant(DUE_WITHIN_COMMITTED).holds()).isTrue();
  }

  @Test
  void givenNoReferrals_whenReconciled_thenItIsCleanWithZeroTotals() {
    Reconciliation r = Reconciliation.of("QMM", List.of());

    assertThat(r.clean()).isTrue();
    assertThat(r.totals().referralsChecked()).isZero();
    assertThat(r.totals().committed()).isEqualTo(money("0.00"));
    assertThat(r.totals().reserved()).isEqualTo(money("0.00"));
  }

  private static List<FundingState> with(FundingState... breaking) {
    List<FundingState> states = cleanLedger();
    states.addAll(List.of(breaking));
    return states;
  }
}
