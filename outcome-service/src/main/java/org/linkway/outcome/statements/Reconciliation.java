package org.linkway.outcome.statements;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.linkway.events.FundingCommitted;
import org.linkway.events.FundingReleased;
import org.linkway.events.LedgerEvent;
import org.linkway.events.Milestone;
import org.linkway.events.PaymentDue;
import org.linkway.platform.domain.Funding;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;

/**
 * A commissioner's funding ledger checked against its invariants, referral by referral: what each
 * invariant says, whether it holds, and the referrals (by their pseudonymous ids) that break it.
 * Pure: built from the funding states alone, so it can be checked without a broker.
 *
 * @param commissioner the commissioner's code
 * @param currency every amount is in this currency
 * @param clean every checked invariant holds
 * @param totals the commissioner's ledger summed over every referral checked
 * @param invariants the invariants checked, in a fixed order
 * @param notChecked the invariants that could not be checked (a financial year without a budget), and why
 */
public record Reconciliation(String commissioner, String currency, boolean clean, Totals totals,
    List<Invariant> invariants, List<NotChecked> notChecked) {

  /** The statuses in which a referral has ended: nothing more can become due, so nothing may stay reserved. */
  static final Set<ReferralStatus> CLOSED = Set.of(ReferralStatus.COMPLETED, ReferralStatus.CANCELLED,
      ReferralStatus.DECLINED, ReferralStatus.UNPLACED);

  /** Reserved is what is committed and neither due nor released. */
  public record Totals(int referralsChecked, BigDecimal committed, BigDecimal due, BigDecimal released,
      BigDecimal reserved) {}

  /** One invariant: whether it holds over every referral, and which referrals break it and how. */
  public record Invariant(String name, String rule, boolean holds, List<String> referralIds, List<Breach> breaches) {}

  /** One referral that breaks an invariant, with the figures that break it. */
  public record Breach(String referralId, String detail) {}

  /** An invariant that was not checked, and why. */
  public record NotChecked(String name, String rule, String reason) {}

  public static final String DUE_WITHIN_COMMITTED = "dueWithinCommitted";
  public static final String DUE_AND_RELEASED_WITHIN_COMMITTED = "dueAndReleasedWithinCommitted";
  public static final String MILESTONE_DUE_AT_MOST_ONCE = "milestoneDueAtMostOnce";
  public static final String CLOSED_REFERRALS_SETTLED = "closedReferralsSettled";
  public static final String WITHIN_BUDGET = "withinBudget";

  /**
   * Checks the ledgers of the commissioner's referrals. States of other commissioners are ignored,
   * so the caller may pass a superset.
   */
  public static Reconciliation of(String commissioner, Collection<FundingState> states) {
    return of(commissioner, states, Map.of());
  }

  /**
   * Checks the ledgers of the commissioner's referrals, and the money held in each financial year
   * against that year's budget ({@code budgets}: amount by financial year, e.g. "2026-27").
   */
  public static Reconciliation of(String commissioner, Collection<FundingState> states, Map<String, BigDecimal> budgets) {
    Accumulator accumulator = new Accumulator(commissioner);
    states.forEach(accumulator::add);
    return accumulator.result(budgets);
  }

  /**
   * Checks referral by referral as the states are read, keeping only totals and breaches, so that
   * a commissioner with hundreds of thousands of referrals is reconciled without holding their
   * states in memory at once.
   */
  public static final class Accumulator {
    private final String commissioner;
    private final List<Breach> overDue = new ArrayList<>();
    private final List<Breach> overSpent = new ArrayList<>();
    private final List<Breach> dueTwice = new ArrayList<>();
    private final List<Breach> unsettled = new ArrayList<>();
    private BigDecimal committed = Money.ZERO;
    private BigDecimal due = Money.ZERO;
    private BigDecimal released = Money.ZERO;
    private final Map<String, BigDecimal> heldByYear = new TreeMap<>();
    private int referrals;

    public Accumulator(String commissioner) {
      this.commissioner = commissioner;
    }

    /** Checks one referral's ledger; states of other commissioners are ignored. */
    public void add(FundingState s) {
      if (!commissioner.equals(s.getCommissioner())) return;
      referrals++;
      String id = s.getReferralId().toString();
      List<LedgerEvent> ledger = s.getLedger();
      BigDecimal c = Money.sum(ledger, FundingCommitted.class);
      BigDecimal d = Money.sum(ledger, PaymentDue.class);
      BigDecimal r = Money.sum(ledger, FundingReleased.class);
      committed = committed.add(c);
      due = due.add(d);
      released = released.add(r);

      if (d.compareTo(c) > 0) {
        overDue.add(new Breach(id, "due " + d + " exceeds committed " + c));
      }
      if (d.add(r).compareTo(c) > 0) {
        overSpent.add(new Breach(id, "due " + d + " + released " + r + " = " + d.add(r) + " exceeds committed " + c));
      }
      Map<Milestone, Long> times = new EnumMap<>(Milestone.class);
      for (LedgerEvent e : ledger) {
        if (e.getPayload() instanceof PaymentDue p) times.merge(p.getMilestone(), 1L, Long::sum);
      }
      String repeated = times.entrySet().stream().filter(t -> t.getValue() > 1)
          .map(t -> t.getKey() + " due " + t.getValue() + " times").collect(Collectors.joining(", "));
      if (!repeated.isEmpty()) {
        dueTwice.add(new Breach(id, repeated));
      }
      for (LedgerEvent e : ledger) {
        String year = financialYear(e);
        if (e.getPayload() instanceof FundingCommitted fc) heldByYear.merge(year, fc.getAmount(), BigDecimal::add);
        if (e.getPayload() instanceof FundingReleased fr) heldByYear.merge(year, fr.getAmount().negate(), BigDecimal::add);
      }
      if (CLOSED.contains(s.getStatus()) && c.compareTo(d.add(r)) != 0) {
        unsettled.add(new Breach(id, s.getStatus() + ": committed " + c + " but due " + d + " + released " + r
            + " = " + d.add(r)));
      }
    }

    /** The reconciliation of every referral added, with each year checked against its budget. */
    public Reconciliation result(Map<String, BigDecimal> budgets) {
      for (List<Breach> breaches : List.of(overDue, overSpent, dueTwice, unsettled)) {
        breaches.sort(Comparator.comparing(Breach::referralId));
      }
      List<Breach> overBudget = new ArrayList<>();
      List<NotChecked> notChecked = new ArrayList<>();
      String budgetRule = "per financial year: FundingCommitted sum - FundingReleased sum <= the commissioner's budget for the year";
      heldByYear.forEach((year, held) -> {
        BigDecimal budget = budgets.get(year);
        if (budget == null) {
          notChecked.add(new NotChecked(WITHIN_BUDGET + " " + year, budgetRule, "not checked: no budget set for " + year));
        } else if (held.compareTo(budget) > 0) {
          overBudget.add(new Breach(null, year + ": committed - released = " + Money.pence(held) + " exceeds the budget " + budget));
        }
      });

      List<Invariant> invariants = List.of(
          invariant(DUE_WITHIN_COMMITTED, "per referral: PaymentDue sum <= FundingCommitted sum", overDue),
          invariant(DUE_AND_RELEASED_WITHIN_COMMITTED,
              "per referral: PaymentDue sum + FundingReleased sum <= FundingCommitted sum", overSpent),
          invariant(MILESTONE_DUE_AT_MOST_ONCE,
              "per referral: each milestone (ENGAGEMENT, COMPLETION, OUTCOME) is due at most once", dueTwice),
          invariant(CLOSED_REFERRALS_SETTLED,
              "per referral that has ended (COMPLETED, CANCELLED, DECLINED, UNPLACED): FundingCommitted sum"
                  + " = PaymentDue sum + FundingReleased sum", unsettled),
          invariant(WITHIN_BUDGET, budgetRule, overBudget));
      Totals totals = new Totals(referrals, Money.pence(committed), Money.pence(due), Money.pence(released),
          Money.pence(committed.subtract(due).subtract(released)));
      boolean clean = invariants.stream().allMatch(Invariant::holds);
      return new Reconciliation(commissioner, Money.CURRENCY, clean, totals, invariants, notChecked);
    }
  }

  /** The financial year a ledger entry counts against: as recorded, or the year it was written in. */
  private static String financialYear(LedgerEvent e) {
    Object p = e.getPayload();
    String year = p instanceof FundingCommitted c ? c.getFinancialYear()
        : p instanceof FundingReleased r ? r.getFinancialYear() : p instanceof PaymentDue d ? d.getFinancialYear() : null;
    return year != null ? year : Funding.financialYear(e.getMetadata().getOccurredAt());
  }

  /** The invariant of that name. */
  public Invariant invariant(String name) {
    return invariants.stream().filter(i -> i.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no invariant " + name));
  }

  private static Invariant invariant(String name, String rule, List<Breach> breaches) {
    return new Invariant(name, rule, breaches.isEmpty(),
        breaches.stream().map(Breach::referralId).filter(java.util.Objects::nonNull).toList(), List.copyOf(breaches));
  }
}
