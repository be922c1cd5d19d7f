package org.linkway.outcome.statements;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The last reconciliation of a commissioner's ledger ({@link Reconciliation}), as the job left it
 * ({@link ReconciliationJob}): its checks, with when it ran and how long it took.
 *
 * @param archived the figures of the commissioner's referrals archived, added to those checked to compare with the
 *     running totals ({@link Reconciliation#archived})
 * @param ranAt when the run began reading the commissioner's funding states
 * @param tookMs how long the run took, in milliseconds
 */
public record ReconciliationRun(String commissioner, String currency, boolean clean, Reconciliation.Totals totals,
    Reconciliation.Totals archived, List<Reconciliation.Invariant> invariants, List<Reconciliation.NotChecked> notChecked, Instant ranAt, long tookMs) {

  static ReconciliationRun of(Reconciliation r, Instant ranAt, Duration took) {
    return new ReconciliationRun(r.commissioner(), r.currency(), r.clean(), r.totals(), r.archived(), r.invariants(), r.notChecked(),
        ranAt, took.toMillis());
  }

  /** The invariant of that name. */
  public Reconciliation.Invariant invariant(String name) {
    return invariants.stream().filter(i -> i.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no invariant " + name));
  }
}
