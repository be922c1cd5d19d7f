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
 * @param archived the figures of the commissioner's referrals archived (their funding left the hot stores after they
 *     ended, {@code ArchivedFunding}): checked while they were live, counted here so that the referrals checked plus
 *     these are compared with the running totals; none when nothing is archived or they were not read
 * @param invariants the invariants checked, in a fixed order
 * @param notChecked the invariants that could not be checked (a financial year without a budget), and why
 */
public record Reconciliation(String commissioner, String currency, boolean clean, Totals totals, Totals archived,
    List<Invariant> invariants, List<NotChecked> notChecked) {

  /** The statuses in which a referral has ended: nothing more can become due, so nothing may stay reserved. */
  static final Set<ReferralStatus> CLOSED = Set.of(ReferralStatus.COMPLETED, ReferralStatus.CANCELLED,
      ReferralStatus.DECLINED, ReferralStatus.UNPLACED);

  /** Reserved is what is committed and neither due nor released. */
  public record Totals(int referralsChecked, BigDecimal committed, BigDecimal due, BigDecimal released,
      BigDecimal reserved) {}

  /**
   * One invariant: whether it holds over every referral, and which referrals break it and how: the first
   * {@value #MOST_BREACHES_LISTED} breaches found (by referral id), of {@code breachCount}.
   */
  public record Invariant(String name, String rule, boolean holds, List<String> referralIds, List<Breach> breaches,
      long breachCount) {}

  /** One referral that breaks an invariant, with the figures that break it. */
  public record Breach(String referralId, String detail) {}

  /** An invariant that was not checked, and why. */
  public record NotChecked(String name, String rule, String reason) {}

  public static final String DUE_WITHIN_COMMITTED = "dueWithinCommitted";
  public static final String DUE_AND_RELEASED_WITHIN_COMMITTED = "dueAndReleasedWithinCommitted";
  public static final String MILESTONE_DUE_AT_MOST_ONCE = "milestoneDueAtMostOnce";
  public static final String CLOSED_REFERRALS_SETTLED = "closedReferralsSettled";
  public static final String WITHIN_BUDGET = "withinBudget";
  public static final String MATCHES_RUNNING_TOTALS = "matchesRunningTotals";

  /** The most breaches of one invariant listed, so that a reconciliation's memory is bounded however broken the ledger. */
  public static final int MOST_BREACHES_LISTED = 1_000;
  private static final String RUNNING_TOTALS_RULE = "per commissioner: the referrals checked and their FundingCommitted,"
      + " PaymentDue and FundingReleased sums, plus those of the referrals archived = the running totals kept as the"
      + " ledger changes (the summary's)";

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
    private final Breaches overDue = new Breaches();
    private final Breaches overSpent = new Breaches();
    private final Breaches dueTwice = new Breaches();
    private final Breaches unsettled = new Breaches();
    private BigDecimal committed = Money.ZERO;
    private BigDecimal due = Money.ZERO;
    private BigDecimal released = Money.ZERO;
    private final Map<String, BigDecimal> heldByYear = new TreeMap<>();
    private int referrals;
    private Totals archived = none();
    private Map<String, BigDecimal> archivedHeld = Map.of();

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
      heldByYear(ledger).forEach((year, held) -> heldByYear.merge(year, held, BigDecimal::add));
      if (CLOSED.contains(s.getStatus()) && c.compareTo(d.add(r)) != 0) {
        unsettled.add(new Breach(id, s.getStatus() + ": committed " + c + " but due " + d + " + released " + r
            + " = " + d.add(r)));
      }
    }

    /**
     * The figures of the commissioner's referrals archived, whose states are no longer there to check (each was checked
     * while it was live): added to those of the referrals checked when they are compared with the running totals, and
     * what they held of each year's budget ({@code heldByYear}) to what the live ones hold when each year is checked
     * against its budget. {@code heldByYear} null: a referral was archived while the states were read, so it may be
     * counted twice or not at all; the budget is then not checked, and the next run checks it.
     */
    public void archived(Totals figures, Map<String, BigDecimal> heldByYear) {
      this.archived = figures;
      this.archivedHeld = heldByYear;
    }

    /** The reconciliation of every referral added, with each year checked against its budget. */
    public Reconciliation result(Map<String, BigDecimal> budgets) {
      return result(budgets, null, null);
    }

    /**
     * {@link #result(Map)}, and the totals of the referrals checked compared with the commissioner's {@code running}
     * totals, read before and after the states and the same both times; when they were not the same (the ledger
     * changed while it was read), {@code notCompared} says so and the comparison is left to the next run.
     */
    public Reconciliation result(Map<String, BigDecimal> budgets, Totals running, String notCompared) {
      Breaches overBudget = new Breaches();
      List<NotChecked> notChecked = new ArrayList<>();
      String budgetRule = "per financial year: FundingCommitted sum - FundingReleased sum <= the commissioner's budget for the year";
      Map<String, BigDecimal> held = new TreeMap<>(heldByYear);
      if (archivedHeld == null) {
        notChecked.add(new NotChecked(WITHIN_BUDGET, budgetRule,
            "not checked: a referral was archived while the states were read; the next run checks it"));
      } else {
        archivedHeld.forEach((year, amount) -> held.merge(year, amount, BigDecimal::add));
      }
      if (archivedHeld != null) held.forEach((year, heldInYear) -> {
        BigDecimal budget = budgets.get(year);
        if (budget == null) {
          notChecked.add(new NotChecked(WITHIN_BUDGET + " " + year, budgetRule, "not checked: no budget set for " + year));
        } else if (heldInYear.compareTo(budget) > 0) {
          overBudget.add(new Breach(null, year + ": committed - released = " + Money.pence(heldInYear) + " exceeds the budget " + budget));
        }
      });

      List<Invariant> invariants = new ArrayList<>(List.of(
          invariant(DUE_WITHIN_COMMITTED, "per referral: PaymentDue sum <= FundingCommitted sum", overDue),
          invariant(DUE_AND_RELEASED_WITHIN_COMMITTED,
              "per referral: PaymentDue sum + FundingReleased sum <= FundingCommitted sum", overSpent),
          invariant(MILESTONE_DUE_AT_MOST_ONCE,
              "per referral: each milestone (ENGAGEMENT, COMPLETION, OUTCOME) is due at most once", dueTwice),
          invariant(CLOSED_REFERRALS_SETTLED,
              "per referral that has ended (COMPLETED, CANCELLED, DECLINED, UNPLACED): FundingCommitted sum"
                  + " = PaymentDue sum + FundingReleased sum", unsettled),
          invariant(WITHIN_BUDGET, budgetRule, overBudget)));
      Totals totals = new Totals(referrals, Money.pence(committed), Money.pence(due), Money.pence(released),
          Money.pence(committed.subtract(due).subtract(released)));
      if (running != null) {
        Breaches differ = new Breaches();
        Totals accounted = plus(totals, archived);
        if (running.referralsChecked() != accounted.referralsChecked() || running.committed().compareTo(accounted.committed()) != 0
            || running.due().compareTo(accounted.due()) != 0 || running.released().compareTo(accounted.released()) != 0) {
          differ.add(new Breach(null, "checked " + figures(totals) + (archived.referralsChecked() == 0 ? ""
              : "; archived " + figures(archived)) + "; running totals " + figures(running)));
        }
        invariants.add(invariant(MATCHES_RUNNING_TOTALS, RUNNING_TOTALS_RULE, differ));
      } else if (notCompared != null) {
        notChecked.add(new NotChecked(MATCHES_RUNNING_TOTALS, RUNNING_TOTALS_RULE, notCompared));
      }
      boolean clean = invariants.stream().allMatch(Invariant::holds);
      return new Reconciliation(commissioner, Money.CURRENCY, clean, totals, archived, List.copyOf(invariants), notChecked);
    }
  }

  /** No referrals, no money. */
  static Totals none() {
    return new Totals(0, Money.ZERO, Money.ZERO, Money.ZERO, Money.ZERO);
  }

  private static Totals plus(Totals a, Totals b) {
    return new Totals(a.referralsChecked() + b.referralsChecked(), a.committed().add(b.committed()),
        a.due().add(b.due()), a.released().add(b.released()), a.reserved().add(b.reserved()));
  }

  private static String figures(Totals t) {
    return t.referralsChecked() + " referrals, committed " + t.committed() + ", due " + t.due() + ", released " + t.released();
  }

  /** The breaches of one invariant: the first {@link #MOST_BREACHES_LISTED} found, and how many in all. */
  private static final class Breaches {
    private final List<Breach> listed = new ArrayList<>();
    private long count;

    void add(Breach breach) {
      if (listed.size() < MOST_BREACHES_LISTED) listed.add(breach);
      count++;
    }
  }

  /** The financial year a ledger entry counts against: as recorded, or the year it was written in. */
  /** Per financial year, what a referral's ledger holds of the budget: its FundingCommitted less its FundingReleased. */
  public static Map<String, BigDecimal> heldByYear(List<LedgerEvent> ledger) {
    Map<String, BigDecimal> held = new TreeMap<>();
    for (LedgerEvent e : ledger) {
      String year = financialYear(e);
      if (e.getPayload() instanceof FundingCommitted fc) held.merge(year, fc.getAmount(), BigDecimal::add);
      if (e.getPayload() instanceof FundingReleased fr) held.merge(year, fr.getAmount().negate(), BigDecimal::add);
    }
    return held;
  }

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

  private static Invariant invariant(String name, String rule, Breaches found) {
    List<Breach> breaches = new ArrayList<>(found.listed);
    breaches.sort(Comparator.comparing(Breach::referralId, Comparator.nullsFirst(Comparator.naturalOrder())));
    return new Invariant(name, rule, found.count == 0,
        breaches.stream().map(Breach::referralId).filter(java.util.Objects::nonNull).toList(), List.copyOf(breaches),
        found.count);
  }
}
